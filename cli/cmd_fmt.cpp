// `scorec fmt FILE... [--check] [-w]`: the canonical layout of rules files.
//
//   scorec fmt FILE...        print the formatted files on standard output
//   scorec fmt --check FILE   exit 1 and print a unified diff for each file that is not
//                             formatted (0 when all are)
//   scorec fmt -w FILE...     rewrite the files that are not formatted, in place
//   --width N                 the line width (default 100)
//
// `-` reads standard input. A file with syntax errors is not formatted: its errors go
// to standard error and the exit code is 1.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "frontend/formatter.h"
#include "support/text_diff.h"

namespace scorec::cli {

int fmt_files(const FmtArgs& a) {
  if (a.check && a.write) {
    std::cerr << "error: --check and -w cannot be used together\n";
    return 2;
  }
  for (const auto& f : a.files) {
    if (f == "-" && a.write) {
      std::cerr << "error: -w cannot rewrite standard input\n";
      return 2;
    }
    if (f != "-" && !std::filesystem::is_regular_file(f)) {
      std::cerr << fmt::format("error: '{}' is not a file\n", f);
      return 2;
    }
  }
  int rc = 0;
  size_t unformatted = 0;
  for (const auto& f : a.files) {
    auto text = read_text(f);
    if (!text) {
      std::cerr << fmt::format("error: cannot read '{}'\n", f);
      rc = 1;
      continue;
    }
    const std::string name = f == "-" ? "<stdin>" : f;
    auto formatted = frontend::format_source(*text, name, a.width);
    if (!formatted) {
      std::cerr << formatted.error().str() << "\n";
      std::cerr << fmt::format("{}: not formatted: fix the errors first\n", name);
      rc = 1;
      continue;
    }
    if (a.check) {
      if (*formatted != *text) {
        ++unformatted;
        std::cout << unified_diff(*text, *formatted, name, name + " (formatted)");
        rc = 1;
      }
    } else if (a.write) {
      if (*formatted == *text) continue;
      std::ofstream out(f, std::ios::binary | std::ios::trunc);
      out << *formatted;
      out.flush();
      if (!out) {
        std::cerr << fmt::format("error: cannot write '{}'\n", f);
        rc = 1;
      }
    } else {
      std::cout << *formatted;
    }
  }
  if (a.check && unformatted > 0)
    std::cerr << fmt::format("{} file{} not formatted; run 'scorec fmt -w' to format {}\n", unformatted,
                             unformatted == 1 ? "" : "s", unformatted == 1 ? "it" : "them");
  std::cout.flush();
  return rc;
}

}  // namespace scorec::cli
