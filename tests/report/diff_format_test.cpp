// Unit tests of the text (Markdown) and JSON forms of a diff on a tiny case, written
// out by hand; the CLI goldens cover a fuller case.
#include "runtime/report/diff_format.h"

#include <gtest/gtest.h>

#include "support/time.h"
#include "tests/report/table_builders.h"

namespace scorec::report {
namespace {

using namespace scorec::report::testing;

Diff tiny() {
  RulesMeta m;
  m.scores.push_back({"s", false, {"hi", "lo"}});
  m.segments = {"seg"};
  auto o = table({"a|b", "c\"d"}, {num_col("s_raw", {1, 2}), text_col("s_tier", {"lo", "lo"}), bool_col("seg", {0, 1})});
  auto n = table({"c\"d", "a|b"}, {num_col("s_raw", {2, 11.5}), text_col("s_tier", {"lo", "hi"}), bool_col("seg", {1, 1})});
  return diff_results(o, m, n, m);
}

DiffContext context() { return {"old.score", "new.score", *parse_iso8601("2024-03-01")}; }

TEST(DiffFormat, MarkdownText) {
  // raw old {1, 2}, raw new {2, 11.5}: quantiles by linear interpolation, e.g.
  // new p90 = 2 + 0.9 * 9.5 = 10.55. The '|' in a user id is escaped so the table
  // keeps its columns.
  const std::string want =
      "## scorec diff: `old.score` -> `new.score`\n"
      "\n"
      "Scored as of 2024-03-01T00:00:00Z; 2 users scored by both versions.\n"
      "\n"
      "### Score `s`\n"
      "\n"
      "2 users: 1 changed raw score, 1 changed tier.\n"
      "\n"
      "Tier migration (rows: old tier, columns: new tier):\n"
      "\n"
      "| old tier \\ new |  hi |  lo | total |\n"
      "| :------------- | --: | --: | ----: |\n"
      "| hi             |   0 |   0 |     0 |\n"
      "| lo             |   1 |   1 |     2 |\n"
      "| total          |   1 |   1 |     2 |\n"
      "\n"
      "Distribution:\n"
      "\n"
      "|            |  mean | min |   p10 |    p25 |   p50 |    p75 |   p90 |  max |\n"
      "| :--------- | ----: | --: | ----: | -----: | ----: | -----: | ----: | ---: |\n"
      "| raw old    |   1.5 |   1 |   1.1 |   1.25 |   1.5 |   1.75 |   1.9 |    2 |\n"
      "| raw new    |  6.75 |   2 |  2.95 |  4.375 |  6.75 |  9.125 | 10.55 | 11.5 |\n"
      "| raw change | +5.25 |  +1 | +1.85 | +3.125 | +5.25 | +7.375 | +8.65 | +9.5 |\n"
      "\n"
      "Biggest movers (top 10 by |raw change|):\n"
      "\n"
      "| user | raw old | raw new | raw change | tier old | tier new |\n"
      "| :--- | ------: | ------: | ---------: | :------- | :------- |\n"
      "| a\\|b |       1 |    11.5 |      +10.5 | lo       | hi       |\n"
      "\n"
      "### Segments\n"
      "\n"
      "| segment | old members | new members | entered | left |\n"
      "| :------ | ----------: | ----------: | ------: | ---: |\n"
      "| seg     |           1 |           2 |       1 |    0 |\n";
  EXPECT_EQ(format_diff_text(tiny(), context()), want);
}

TEST(DiffFormat, Json) {
  const std::string want = R"({
  "old": {
    "rules": "old.score",
    "users": 2
  },
  "new": {
    "rules": "new.score",
    "users": 2
  },
  "as_of": "2024-03-01T00:00:00Z",
  "users_matched": 2,
  "scores": [
    {
      "name": "s",
      "has_tiers": {
        "old": true,
        "new": true
      },
      "tier_migration": {
        "rows": ["hi", "lo"],
        "columns": ["hi", "lo"],
        "counts": [
          [0, 0],
          [1, 1]
        ],
        "changed": 1
      },
      "raw_changed": 1,
      "raw": {
        "old": {
          "count": 2,
          "mean": 1.5,
          "min": 1,
          "p10": 1.1,
          "p25": 1.25,
          "p50": 1.5,
          "p75": 1.75,
          "p90": 1.9,
          "max": 2
        },
        "new": {
          "count": 2,
          "mean": 6.75,
          "min": 2,
          "p10": 2.95,
          "p25": 4.375,
          "p50": 6.75,
          "p75": 9.125,
          "p90": 10.55,
          "max": 11.5
        }
      },
      "scaled": {
        "old": null,
        "new": null
      },
      "movers": [
        {
          "user": "a|b",
          "old_raw": 1,
          "new_raw": 11.5,
          "raw_change": 10.5,
          "old_scaled": null,
          "new_scaled": null,
          "old_tier": "lo",
          "new_tier": "hi"
        }
      ]
    }
  ],
  "scores_added": [],
  "scores_removed": [],
  "grades": [],
  "grades_added": [],
  "grades_removed": [],
  "segments": [
    {
      "name": "seg",
      "old_members": 1,
      "new_members": 2,
      "entered": 1,
      "left": 0
    }
  ],
  "segments_added": [],
  "segments_removed": []
}
)";
  EXPECT_EQ(format_diff_json(tiny(), context()), want);
}

TEST(DiffFormat, JsonEscapesAndAddedRemoved) {
  Diff d;
  d.scores_removed = {"a\"b"};
  d.segments_added = {{"x\\y", 3}};
  std::string j = format_diff_json(d, context());
  EXPECT_NE(j.find(R"("scores_removed": ["a\"b"])"), std::string::npos) << j;
  EXPECT_NE(j.find("\"segments_added\": [\n    {\n      \"name\": \"x\\\\y\",\n      \"members\": 3\n    }\n  ]"),
            std::string::npos)
      << j;
  std::string t = format_diff_text(d, context());
  EXPECT_NE(t.find("### Added and removed\n\n- Scores removed: `a\"b`\n- Segments added: `x\\y` (3 users)\n"),
            std::string::npos)
      << t;
}

}  // namespace
}  // namespace scorec::report
