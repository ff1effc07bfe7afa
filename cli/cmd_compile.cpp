// `scorec compile RULES -o OUT.o [--header OUT.h] [--name NAME] [--target-cpu CPU]`:
// ahead-of-time compilation (jit/aot.h). The object defines scorec_<NAME>_module and
// links with the runtime library alone; the header declares it.
//
// NAME defaults to the rules file's stem as a C identifier. Exit 0 when written, 1 on
// errors in the rules, an unknown CPU or a file that cannot be written, 2 on usage.
#include <cctype>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "jit/aot.h"
#include "support/file_io.h"

namespace scorec::cli {
namespace {

// "2024-q1 leads.score" -> "_2024_q1_leads".
std::string default_name(const std::string& rules) {
  std::string stem = std::filesystem::path(rules).stem().string();
  std::string name;
  for (char c : stem) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (name.empty()) return "rules";
  if (std::isdigit(static_cast<unsigned char>(name[0]))) name.insert(0, "_");
  return name;
}

}  // namespace

int compile_object(const CompileArgs& a) {
  std::string name = a.name ? *a.name : default_name(a.rules);
  if (!jit::is_c_identifier(name)) {
    std::cerr << fmt::format(
        "error: --name '{}' is not a C identifier (letters, digits and _, not starting with a digit)\n", name);
    return 2;
  }
  if (auto clash = refuse_overwriting({{"-o", a.output}, {"--header", a.header}}, {{"RULES", a.rules}})) return *clash;

  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = compile_rules(a.rules, a.color, diags, sources, a.import_paths);
  if (!program) {
    size_t n = diags.error_count();
    std::cerr << fmt::format("{}: {} error{} found\n", a.rules, n, n == 1 ? "" : "s");
    return 1;
  }

  jit::AotOptions options{.name = name, .target_cpu = a.target_cpu, .source = a.rules};
  auto out = jit::compile_aot(*program, options);
  if (!out) {
    std::cerr << "error: " << out.error().str() << "\n";
    return 1;
  }
  if (auto st = write_file_atomically(a.output, out->object); !st) {
    std::cerr << "error: " << st.error().str() << "\n";
    return 1;
  }
  if (a.header) {
    if (auto st = write_file_atomically(*a.header, out->header); !st) {
      std::cerr << "error: " << st.error().str() << "\n";
      return 1;
    }
  }
  std::cerr << fmt::format("{}: wrote {} ({} bytes){}: scorec_{}_module\n", a.rules, a.output, out->object.size(),
                           a.header ? " and " + *a.header : "", name);
  return 0;
}

}  // namespace scorec::cli
