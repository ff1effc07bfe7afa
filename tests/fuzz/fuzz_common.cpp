#include "tests/fuzz/fuzz_common.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "frontend/compiler.h"
#include "support/text.h"

namespace scorec::fuzz {

namespace fs = std::filesystem;

std::string source_dir() { return SCOREC_SOURCE_DIR; }

std::string scratch_path(const std::string& name) {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    fs::path d = fs::path(tmp && *tmp ? tmp : "/tmp") / ("scorec-fuzz-" + std::to_string(getpid()));
    fs::create_directories(d);
    return d.string();
  }();
  return dir + "/" + name;
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  check(static_cast<bool>(f), "cannot write " + path);
}

const ir::Program& fixed_program(const std::string& file_name) {
  static std::map<std::string, ir::Program> programs;
  auto it = programs.find(file_name);
  if (it != programs.end()) return it->second;
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  std::string path = source_dir() + "/tests/fuzz/" + file_name;
  auto p = frontend::compile_file(path, sources, diags);
  if (!p) {
    std::ostringstream os;
    diags.render(os, sources, false);
    std::fprintf(stderr, "fuzz setup: %s does not compile:\n%s", path.c_str(), os.str().c_str());
    std::abort();
  }
  return programs.emplace(file_name, std::move(*p)).first->second;
}

void check(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "\n==== scorec fuzz finding ====\n%s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string seed_dir() {
  const char* d = std::getenv("SCOREC_FUZZ_SEEDS");
  return d ? d : "";
}

}  // namespace scorec::fuzz
