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
std::string check_format(const std::string& text, const std::string& name,
                         size_t width = frontend::kFormatMaxWidth) {
  auto r = fmtcheck::check_format_properties(text, name, width);
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

// Every rules file the project ships for users is formatted, so `scorec fmt --check`
// in CI (README) passes on them: the examples, the standard library and the benchmark
// rules. (Test inputs under tests/ are left as written.)
TEST(FmtShipped, EveryShippedRulesFileIsFormatted) {
  std::vector<fs::path> files = files_matching(kRoot / "examples", ".score", true);
  for (auto& p : files_matching(kRoot / "stdlib", ".score", false)) files.push_back(p);
  for (auto& p : files_matching(kRoot / "bench", ".score", true)) files.push_back(p);
  ASSERT_GE(files.size(), 12u);
  for (const auto& f : files) {
    std::string text = read_file(f);
    auto out = frontend::format_source(text, f.string());
    ASSERT_TRUE(out.ok()) << f << ": " << out.error().str();
    EXPECT_TRUE(*out == text) << f << " is not formatted: run scorec fmt -w "
                              << f.lexically_relative(kRoot).string();
  }
}

// Narrow and wide widths: still idempotent, same IR, every comment kept.
TEST(FmtWidth, OtherWidthsKeepTheProperties) {
  auto files = valid_files();
  for (size_t width : {40, 60, 80, 160}) {
    for (const auto& f : files) {
      SCOPED_TRACE(f.string() + " width " + std::to_string(width));
      check_format(read_file(f), f.string(), width);
      if (::testing::Test::HasFailure()) return;
    }
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

// ----- layout: weights apart from the condition, wrapping, alignment -----------------

// The usability issue's case: `when seconds >= min_read_seconds + min(seconds / 60, 3)`
// must not read as one comparison. A weight that is a spaced expression goes on the
// next line in the weight column (here set by `on login`); rules align across blank
// and comment lines; a long condition that fits the width stays on its line and its
// weight goes below; a lone spaced weight sits past the end of its condition.
TEST(FmtLayout, WeightsStayApartFromTheCondition) {
  const std::string in =
      "event content_viewed { seconds: number, category: string }\n"
      "event login { }\n"
      "const min_read_seconds = 15\n"
      "score s {\n"
      "  on content_viewed when seconds >= min_read_seconds + min(seconds / 60, 3) cap 15 per 1d\n"
      "\n"
      "  // a comment line does not end the column\n"
      "  on content_viewed when category in [\"tutorial\", \"case_study\"] and seconds >= min_read_seconds +1\n"
      "  on login +1 limit 1 per 1d\n"
      "  when count(content_viewed, 30d) >= 8 +5\n"
      "  when count(login, 30d) > 0 + count(login, 30d)\n"
      "}\n";
  const std::string want =
      "event content_viewed { seconds: number, category: string }\n"
      "event login          { }\n"
      "\n"
      "const min_read_seconds = 15\n"
      "\n"
      "score s {\n"
      "  on content_viewed when seconds >= min_read_seconds\n"
      "            + min(seconds / 60, 3)  cap 15 per 1d\n"
      "\n"
      "  // a comment line does not end the column\n"
      "  on content_viewed when category in [\"tutorial\", \"case_study\"] and seconds >= min_read_seconds\n"
      "            +1\n"
      "  on login  +1  limit 1 per 1d\n"
      "  when count(content_viewed, 30d) >= 8  +5\n"
      "  when count(login, 30d) > 0\n"
      "                                        + count(login, 30d)\n"
      "}\n";
  EXPECT_EQ(check_format(in, "weights.score"), want);
}

// Past the width: `or` / `and` chains take one operand a line under the first, a list
// fills lines after its commas, and a weight goes on the condition's last line when it
// ends before the weight column. Trailing comments too long for the width are not
// aligned.
TEST(FmtLayout, LongConditionsAndListsWrapAtTheWidth) {
  const std::string in =
      "profile { title: string, size: number }\n"
      "grade fit {\n"
      "  when lower(title) in [\"ceo\", \"cto\", \"cfo\"] or starts_with(lower(title), \"vp \") +20\n"
      "  when size > 10 and size <= 50 and has(title) +5\n"
      "  when size > 50 +10 // big\n"
      "}\n"
      "segment lead = fit == \"A\" and size > 100 and lower(title) not in [\"intern\", \"student\", \"trainee\"]\n";
  const std::string want =
      "profile { title: string, size: number }\n"
      "\n"
      "grade fit {\n"
      "  when lower(title) in [\"ceo\", \"cto\", \"cfo\"]\n"
      "       or starts_with(lower(title), \"vp \")      +20\n"
      "  when size > 10 and size <= 50 and has(title)  +5\n"
      "  when size > 50                                +10  // big\n"
      "}\n"
      "\n"
      "segment lead = fit == \"A\"\n"
      "               and size > 100\n"
      "               and lower(title) not in [\"intern\", \"student\",\n"
      "                                        \"trainee\"]\n";
  EXPECT_EQ(check_format(in, "wrap.score", 60), want);
}

// A comment column that would push a comment past the width is moved left: the line
// that set it keeps its comment two spaces after it.
TEST(FmtLayout, TrailingCommentsStayWithinTheWidth) {
  const std::string in =
      "event e { s: number }\n"
      "score s { on e +1 }\n"
      "test \"t\" {\n"
      "  expect s == 1 // a comment that is long, long, long\n"
      "  expect s == 2\n"
      "  expect s.tier == a_very_long_tier_name_here // short\n"
      "  expect s.raw == 1 // aligned\n"
      "}\n";
  const std::string want =
      "event e { s: number }\n"
      "\n"
      "score s {\n"
      "  on e  +1\n"
      "}\n"
      "\n"
      "test \"t\" {\n"
      "  expect s == 1      // a comment that is long, long, long\n"
      "  expect s == 2\n"
      "  expect s.tier == a_very_long_tier_name_here  // short\n"
      "  expect s.raw == 1  // aligned\n"
      "}\n";
  EXPECT_EQ(check_format(in, "comments_width.score", 60), want);
}

// Fields of a `{ }` list one a line, tier bounds and consecutive `=` line up.
TEST(FmtLayout, FieldsTiersAndConstsAlign) {
  const std::string in =
      "event signup { source: string, // where from\n campaign_name: string }\n"
      "const a = 1\nconst longer_name = 2\n"
      "score s { on signup +1\n tiers { platinum >= 100, gold >= 50, silver >= 25, bronze >= 10, copper >= 5, tin >= 2, "
      "nothing_at_all_so_far } }\n";
  const std::string want =
      "event signup {\n"
      "  source:        string,  // where from\n"
      "  campaign_name: string,\n"
      "}\n"
      "\n"
      "const a           = 1\n"
      "const longer_name = 2\n"
      "\n"
      "score s {\n"
      "  on signup  +1\n"
      "  tiers {\n"
      "    platinum >= 100,\n"
      "    gold     >= 50,\n"
      "    silver   >= 25,\n"
      "    bronze   >= 10,\n"
      "    copper   >= 5,\n"
      "    tin      >= 2,\n"
      "    nothing_at_all_so_far,\n"
      "  }\n"
      "}\n";
  EXPECT_EQ(check_format(in, "align.score", 80), want);
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
      "  on a  +1\n"
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
      "  on a  +1\n"
      "}\n";
  EXPECT_EQ(check_format(in, "break.score"), want);
}

TEST(FmtComments, CommentInsideBracesMakesOnePerLine) {
  const std::string in = "profile { plan: string, // the plan\n signed_up: timestamp }\n";
  const std::string want =
      "profile {\n"
      "  plan:      string,  // the plan\n"
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
