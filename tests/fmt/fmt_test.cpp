// `scorec fmt` (frontend/formatter.h). Every check formats a file and asks:
//   - idempotence: format(format(x)) == format(x);
//   - meaning: the IR of format(x) equals the IR of x. The IR printer shows each event
//     rule's label, which is the rule's source line (so it changes with the layout):
//     labels are stripped before comparing (`rule 3 (engagement: on x +3) -> %0`
//     becomes `rule 3 -> %0`); everything else in the IR is compared as printed;
//   - comments: the comment texts of x and format(x) are the same, in the same order.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <antlr4-runtime.h>

#include "ScoreLexer.h"
#include "frontend/compiler.h"
#include "frontend/formatter.h"
#include "ir/printer.h"
#include "tests/differential/case_gen.h"
#include "tests/differential/rng.h"

namespace scorec {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = SCOREC_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The IR printed without rule labels, or the rendered errors.
std::string ir_without_labels(const std::string& text, const std::string& name) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  // Rules from a string have no folder of their own: the file's folder is where its
  // imports may come from.
  auto options = frontend::default_compile_options();
  options.import_paths.push_back(fs::path(name).parent_path().string());
  auto program = frontend::compile_string(text, name, sources, diags, options);
  if (!program) return "ERRORS";  // the messages quote the source, which changed
  static const std::regex label(R"(^(\s*rule \d+) \(.*\) (-> %\d+)$)");
  std::istringstream in(ir::print_program(*program));
  std::string out, line;
  while (std::getline(in, line)) out += std::regex_replace(line, label, "$1 $2") + "\n";
  return out;
}

struct Lexed {
  std::vector<std::string> comments;  // comment texts, trailing blanks dropped
  std::vector<std::pair<size_t, size_t>> tokens;  // [start, stop] of default tokens
};

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

// Formats `text` and checks the three properties; returns the formatted text.
std::string check_format(const std::string& text, const std::string& name) {
  auto once = frontend::format_source(text, name);
  EXPECT_TRUE(once.ok()) << name << ": " << (once.ok() ? "" : once.error().str());
  if (!once.ok()) return "";
  auto twice = frontend::format_source(*once, name);
  EXPECT_TRUE(twice.ok()) << name << " (formatted): " << (twice.ok() ? "" : twice.error().str());
  if (twice.ok()) EXPECT_EQ(*once, *twice) << name << ": formatting is not idempotent\n--- input:\n" << text;
  EXPECT_EQ(ir_without_labels(text, name), ir_without_labels(*once, name))
      << name << ": the IR changed\n--- input:\n" << text << "\n--- formatted:\n" << *once;
  EXPECT_EQ(lex(text).comments, lex(*once).comments) << name << ": comments changed\n--- formatted:\n" << *once;
  return *once;
}

std::vector<fs::path> files_matching(const fs::path& dir, const std::string& ext, bool recursive) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  if (recursive) {
    for (auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  } else {
    for (auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The valid rule files shipped with the project: examples, stdlib, golden IR cases
// (and the files they import).
std::vector<fs::path> valid_files() {
  std::vector<fs::path> out = files_matching(kRoot / "examples", ".score", true);
  for (auto& p : files_matching(kRoot / "stdlib", ".score", false)) out.push_back(p);
  for (auto& p : files_matching(kRoot / "tests/golden/ir", ".score", true)) out.push_back(p);
  return out;
}

// ----- golden layouts ---------------------------------------------------------------

TEST(FmtGolden, MessyInputsFormatExactly) {
  auto cases = files_matching(kRoot / "tests/fmt/golden", ".score", false);
  ASSERT_FALSE(cases.empty());
  bool update = std::getenv("UPDATE_GOLDENS") && std::string(std::getenv("UPDATE_GOLDENS")) == "1";
  for (const auto& c : cases) {
    SCOPED_TRACE(c.string());
    std::string out = check_format(read_file(c), c.string());
    fs::path expected = c;
    expected.replace_extension(".expected");
    if (update) {
      std::ofstream(expected, std::ios::binary) << out;
      continue;
    }
    ASSERT_TRUE(fs::exists(expected)) << "no " << expected << "; run with UPDATE_GOLDENS=1";
    EXPECT_EQ(read_file(expected), out) << c << " formats differently from " << expected;
    // A golden output is itself formatted.
    auto again = frontend::format_source(out, c.string());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, out);
  }
}

// ----- idempotence and meaning over the shipped rule files ---------------------------

TEST(FmtIdempotence, ExamplesStdlibAndGoldenIrCases) {
  auto files = valid_files();
  ASSERT_GE(files.size(), 10u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    std::string text = read_file(f);
    ASSERT_NE(ir_without_labels(text, f.string()), "ERRORS") << f << " does not compile";
    check_format(text, f.string());
  }
}

// ----- randomized rule sets ----------------------------------------------------------

TEST(FmtRandom, GeneratedRuleSets) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto c = difftest::generate_case(seed);
    check_format(c.rules_text(), (kRoot / "tests/fmt/generated.score").string());
    if (::testing::Test::HasFailure()) break;
  }
}

// Comments of every kind at random token boundaries of the shipped files and of
// generated rule sets: still formatted, idempotent, same IR, every comment kept.
std::string with_random_comments(const std::string& text, uint64_t seed) {
  difftest::Rng r(seed);
  Lexed l = lex(text);
  std::string out;
  size_t pos = 0, n = 0;
  for (const auto& [start, stop] : l.tokens) {
    out += text.substr(pos, stop + 1 - pos);
    pos = stop + 1;
    if (!r.pct(12)) continue;
    std::string id = "c" + std::to_string(++n);
    switch (r.range(0, 4)) {
      case 0: out += " /* " + id + " */ "; break;
      case 1: out += " // " + id + "\n"; break;
      case 2: out += "\n// " + id + "\n"; break;
      case 3: out += "\n\n# " + id + "\n\n"; break;
      default: out += " /* " + id + "\n   two lines */ "; break;
    }
  }
  out += text.substr(pos);
  return out;
}

TEST(FmtRandom, RandomCommentsAnywhere) {
  auto files = valid_files();
  uint64_t seed = 0;
  for (const auto& f : files) {
    for (int k = 0; k < 10; ++k) {
      ++seed;
      SCOPED_TRACE(f.string() + " comment seed " + std::to_string(seed));
      check_format(with_random_comments(read_file(f), seed), f.string());
      if (::testing::Test::HasFailure()) return;
    }
  }
  for (uint64_t s = 1; s <= 100; ++s) {
    SCOPED_TRACE("generated seed " + std::to_string(s));
    auto c = difftest::generate_case(s);
    check_format(with_random_comments(c.rules_text(), 1000 + s), (kRoot / "tests/fmt/generated.score").string());
    if (::testing::Test::HasFailure()) return;
  }
}

// ----- comments and errors -----------------------------------------------------------

TEST(FmtComments, KeptWhereTheyWere) {
  const std::string in =
      "// head\n"
      "event a{x:number}  // after a\n"
      "score s{ // on the brace\n"
      "  on a   +1\n"
      "  // before b\n"
      "\n\n\n"
      "  on a when x>1 /* inline */ +2   # hash\n"
      "  // last in the block\n"
      "}\n"
      "/* the end */\n";
  const std::string want =
      "// head\n"
      "event a { x: number }  // after a\n"
      "\n"
      "score s {  // on the brace\n"
      "  on a +1\n"
      "  // before b\n"
      "\n"
      "  on a when x > 1 /* inline */ +2  # hash\n"
      "  // last in the block\n"
      "}\n"
      "/* the end */\n";
  EXPECT_EQ(check_format(in, "comments.score"), want);
}

TEST(FmtComments, LineCommentInsideARuleBreaksTheLine) {
  const std::string in =
      "event a { x: number }\n"
      "score s {\n"
      "  on a when x > 1 // why\n"
      "     and x < 5 +2\n"
      "  on a +1\n"
      "}\n";
  const std::string want =
      "event a { x: number }\n"
      "\n"
      "score s {\n"
      "  on a when x > 1  // why\n"
      "      and x < 5 +2\n"
      "  on a +1\n"
      "}\n";
  EXPECT_EQ(check_format(in, "break.score"), want);
}

TEST(FmtComments, CommentInsideBracesMakesOnePerLine) {
  const std::string in = "profile { plan: string, // the plan\n signed_up: timestamp }\n";
  const std::string want =
      "profile {\n"
      "  plan: string,  // the plan\n"
      "  signed_up: timestamp,\n"
      "}\n";
  EXPECT_EQ(check_format(in, "profile.score"), want);
}

TEST(FmtErrors, SyntaxErrorsAreNotFormatted) {
  auto out = frontend::format_source("score s {\n  on x 5\n}\n", "bad.score");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("bad.score:2:"), std::string::npos) << out.error().message;
  EXPECT_NE(out.error().message.find("a weight needs a sign"), std::string::npos) << out.error().message;
}

TEST(FmtErrors, EmptyAndCommentOnlyFiles) {
  EXPECT_EQ(*frontend::format_source("", "e.score"), "");
  EXPECT_EQ(*frontend::format_source("\n\n  \n", "e.score"), "");
  EXPECT_EQ(check_format("\n\n// only a comment   \n\n", "c.score"), "// only a comment\n");
}

}  // namespace
}  // namespace scorec
