#include "tests/fmt/format_checks.h"

#include <filesystem>
#include <regex>
#include <sstream>

#include <antlr4-runtime.h>

#include "ScoreLexer.h"
#include "frontend/compiler.h"
#include "frontend/formatter.h"
#include "ir/printer.h"

namespace scorec::fmtcheck {

std::string ir_without_labels(const std::string& text, const std::string& name) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  // Rules from a string have no folder of their own: the file's folder is where its
  // imports may come from.
  auto options = frontend::default_compile_options();
  options.import_paths.push_back(std::filesystem::path(name).parent_path().string());
  auto program = frontend::compile_string(text, name, sources, diags, options);
  if (!program) return "ERRORS";  // the messages quote the source, which changed
  static const std::regex label(R"(^(\s*rule \d+) \(.*\) (-> %\d+)$)");
  std::istringstream in(ir::print_program(*program));
  std::string out, line;
  while (std::getline(in, line)) out += std::regex_replace(line, label, "$1 $2") + "\n";
  return out;
}

Lexed lex(const std::string& text) {
  antlr4::ANTLRInputStream input(text);
  grammar::ScoreLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream ts(&lexer);
  ts.fill();
  Lexed out;
  for (auto* t : ts.getTokens()) {
    if (t->getType() == antlr4::Token::EOF) continue;
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) {
      std::string s = t->getText();
      if (s.rfind("/*", 0) != 0)
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
      out.comments.push_back(s);
    } else {
      out.tokens.emplace_back(t->getStartIndex(), t->getStopIndex());
    }
  }
  return out;
}

FormatCheck check_format_properties(const std::string& text, const std::string& name, size_t width) {
  FormatCheck out;
  auto once = frontend::format_source(text, name, width);
  if (!once.ok()) {
    out.error = once.error().str();
    return out;
  }
  out.formatted = *once;
  auto twice = frontend::format_source(*once, name, width);
  if (!twice.ok())
    out.problems.push_back("the formatted text does not format: " + twice.error().str() + "\n--- formatted:\n" + *once);
  else if (*twice != *once)
    out.problems.push_back("formatting is not idempotent\n--- input:\n" + text + "\n--- formatted once:\n" + *once +
                           "\n--- formatted twice:\n" + *twice);
  std::string ir_before = ir_without_labels(text, name);
  std::string ir_after = ir_without_labels(*once, name);
  if (ir_before != ir_after)
    out.problems.push_back("the IR changed\n--- input:\n" + text + "\n--- formatted:\n" + *once + "\n--- IR before:\n" +
                           ir_before + "\n--- IR after:\n" + ir_after);
  if (lex(text).comments != lex(*once).comments)
    out.problems.push_back("comments changed\n--- input:\n" + text + "\n--- formatted:\n" + *once);
  return out;
}

}  // namespace scorec::fmtcheck
