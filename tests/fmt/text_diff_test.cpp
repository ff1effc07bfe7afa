// support/text_diff.h: the line diff behind `scorec fmt --check`.
#include <gtest/gtest.h>

#include "support/text_diff.h"
#include "tests/differential/rng.h"

namespace scorec {
namespace {

TEST(TextDiff, EqualTextsHaveNoDiff) { EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n", "x", "y"), ""); }

TEST(TextDiff, OneChangedLine) {
  EXPECT_EQ(unified_diff("a\nb\nc\n", "a\nB\nc\n", "old", "new"),
            "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
}

TEST(TextDiff, ContextAndSeparateHunks) {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 ? std::string("two") : i == 18 ? std::string("eighteen") : std::to_string(i)) + "\n";
  }
  EXPECT_EQ(unified_diff(a, b, "a", "b"),
            "--- a\n+++ b\n"
            "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
            "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n");
}

TEST(TextDiff, InsertionsDeletionsAndMissingNewline) {
  EXPECT_EQ(unified_diff("", "x\n", "a", "b"), "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
  EXPECT_EQ(unified_diff("x\ny\n", "y\n", "a", "b"), "--- a\n+++ b\n@@ -1,2 +1,1 @@\n-x\n y\n");
  EXPECT_EQ(unified_diff("x", "x\n", "a", "b"),
            "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+x\n");
}

// Applying the diff's lines gives back both texts, and the edit script is minimal
// against a simple LCS count.
TEST(TextDiff, RandomTextsRoundTrip) {
  difftest::Rng r(7);
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<std::string> a, b;
    int na = static_cast<int>(r.range(0, 12)), nb = static_cast<int>(r.range(0, 12));
    for (int i = 0; i < na; ++i) a.push_back(std::string(1, static_cast<char>('a' + r.range(0, 3))));
    for (int i = 0; i < nb; ++i) b.push_back(std::string(1, static_cast<char>('a' + r.range(0, 3))));
    std::string ta, tb;
    for (auto& s : a) ta += s + "\n";
    for (auto& s : b) tb += s + "\n";
    auto d = diff_lines(ta, tb);
    std::vector<std::string> ra, rb;
    size_t same = 0;
    for (auto& l : d) {
      if (l.kind != DiffLine::Added) ra.push_back(l.text);
      if (l.kind != DiffLine::Removed) rb.push_back(l.text);
      same += l.kind == DiffLine::Same;
    }
    ASSERT_EQ(ra, a);
    ASSERT_EQ(rb, b);
    std::vector<std::vector<size_t>> lcs(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
    for (size_t i = a.size(); i-- > 0;)
      for (size_t j = b.size(); j-- > 0;)
        lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    ASSERT_EQ(same, lcs[0][0]);
  }
}

}  // namespace
}  // namespace scorec
