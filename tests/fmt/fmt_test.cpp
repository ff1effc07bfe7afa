// `scorec fmt` (frontend/formatter.h). Every check formats a file and asks for the
// properties of format_checks.h: idempotence, the same IR, the same comments.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "frontend/compiler.h"
#include "frontend/formatter.h"
#include "tests/fmt/format_checks.h"
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

using fmtcheck::ir_without_labels;
using fmtcheck::lex;
using fmtcheck::Lexed;

// Formats `text` and checks the three properties (format_checks.h); returns the
// formatted text.
std::string check_format(const std::string& text, const std::string& name) {
  auto r = fmtcheck::check_format_properties(text, name);
  EXPECT_FALSE(r.error) << name << ": " << r.error.value_or("");
  for (const auto& p : r.problems) ADD_FAILURE() << name << ": " << p;
  return r.formatted;
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
