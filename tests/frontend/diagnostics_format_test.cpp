#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "support/json.h"
#include "frontend/compiler.h"
#include "frontend/diagnostics_format.h"

namespace scorec::frontend {
namespace {

// Errors in one file, warnings in another: between them, errors, warnings and hints.
const char* kBroken = R"(event email_open { campaign: string }
profile { plan: string }
score engagement {
  on emial_open +3
  when plan == "café" and plna == "paid" +10
  tiers { high >= 20, low }
}
)";
const char* kWarnings = R"(event email_open { campaign: string }
event webinar { title: string }
const unused = 1
score engagement {
  on email_open +3
  on email_open +3
  when count(email_open) >= 0 +1
  tiers { high >= 20, low }
}
)";

struct Checked {
  SourceManager sources;
  Diagnostics diags;
};

std::vector<CheckedFile> check_all(std::vector<std::unique_ptr<Checked>>& keep,
                                   const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<CheckedFile> out;
  for (const auto& [name, text] : files) {
    keep.push_back(std::make_unique<Checked>());
    compile_string(text, name, keep.back()->sources, keep.back()->diags);
    out.push_back({name, &keep.back()->sources, &keep.back()->diags});
  }
  return out;
}

std::string sarif_of(const std::vector<CheckedFile>& files) {
  std::ostringstream s;
  render_sarif(s, files);
  return s.str();
}

TEST(DiagnosticsFormat, SarifHasTheRequiredStructure) {
  std::vector<std::unique_ptr<Checked>> keep;
  auto files = check_all(keep, {{"rules/broken.score", kBroken}, {"rules/warnings.score", kWarnings}});
  std::string text = sarif_of(files);
  simdjson::dom::parser parser;
  simdjson::dom::element log;
  ASSERT_EQ(parser.parse(text).get(log), simdjson::SUCCESS) << text;

  EXPECT_EQ(std::string_view(log["$schema"]), "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(std::string_view(log["version"]), "2.1.0");
  simdjson::dom::array runs = log["runs"];
  ASSERT_EQ(runs.size(), 1u);
  simdjson::dom::element run = runs.at(0);
  simdjson::dom::element driver = run["tool"]["driver"];
  EXPECT_EQ(std::string_view(driver["name"]), "scorec");
  EXPECT_FALSE(std::string_view(driver["version"]).empty());
  EXPECT_EQ(driver["informationUri"].error(), simdjson::NO_SUCH_FIELD);

  std::vector<std::string> rule_ids;
  for (simdjson::dom::element rule : simdjson::dom::array(driver["rules"])) {
    std::string id{std::string_view(rule["id"])};
    EXPECT_NE(find_code(id), nullptr) << id;
    EXPECT_FALSE(std::string_view(rule["shortDescription"]["text"]).empty());
    EXPECT_EQ(rule["helpUri"].error(), simdjson::NO_SUCH_FIELD);
    rule_ids.push_back(id);
  }
  EXPECT_EQ(std::set<std::string>(rule_ids.begin(), rule_ids.end()).size(), rule_ids.size()) << "one rule per code";

  size_t errors = 0, warnings = 0;
  std::set<std::string> used;
  for (simdjson::dom::element r : simdjson::dom::array(run["results"])) {
    std::string id{std::string_view(r["ruleId"])};
    used.insert(id);
    uint64_t index = r["ruleIndex"];
    ASSERT_LT(index, rule_ids.size());
    EXPECT_EQ(rule_ids[index], id);
    std::string_view level = r["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    errors += level == "error";
    warnings += level == "warning";
    EXPECT_EQ(level == "warning", id[0] == 'W') << id;
    EXPECT_FALSE(std::string_view(r["message"]["text"]).empty());
    simdjson::dom::element loc = simdjson::dom::array(r["locations"]).at(0)["physicalLocation"];
    std::string_view uri = loc["artifactLocation"]["uri"];
    EXPECT_TRUE(uri == "rules/broken.score" || uri == "rules/warnings.score") << uri;
    simdjson::dom::element region = loc["region"];
    EXPECT_GE(int64_t(region["startLine"]), 1);
    EXPECT_GE(int64_t(region["startColumn"]), 1);
    EXPECT_GT(int64_t(region["endColumn"]), int64_t(region["startColumn"]));
  }
  EXPECT_EQ(used.size(), rule_ids.size()) << "every rule listed is used";
  EXPECT_EQ(errors, files[0].diags->error_count());
  EXPECT_EQ(warnings, files[1].diags->warning_count());
  EXPECT_GT(errors, 0u);
  EXPECT_GT(warnings, 0u);
}

TEST(DiagnosticsFormat, SarifColumnsAreCodePoints) {
  std::vector<std::unique_ptr<Checked>> keep;
  auto files = check_all(keep, {{"b.score", kBroken}});
  simdjson::dom::parser parser;
  simdjson::dom::element log;
  std::string text = sarif_of(files);
  ASSERT_EQ(parser.parse(text).get(log), simdjson::SUCCESS);
  // 'plna' is at byte column 28 of line 5, code point column 27 (after "é").
  bool found = false;
  for (simdjson::dom::element r : simdjson::dom::array(log["runs"].at(0)["results"])) {
    if (std::string_view(r["ruleId"]) != "E012") continue;
    found = true;
    simdjson::dom::element region = r["locations"].at(0)["physicalLocation"]["region"];
    EXPECT_EQ(int64_t(region["startColumn"]), 27);
    EXPECT_EQ(int64_t(region["endColumn"]), 31);
  }
  EXPECT_TRUE(found) << text;
}

TEST(DiagnosticsFormat, JsonCountsAndFields) {
  std::vector<std::unique_ptr<Checked>> keep;
  auto files = check_all(keep, {{"a.score", kBroken}, {"b.score", kWarnings}});
  std::ostringstream s;
  render_json(s, files);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(s.str()).get(doc), simdjson::SUCCESS) << s.str();
  EXPECT_EQ(int64_t(doc["version"]), 1);
  EXPECT_EQ(simdjson::dom::array(doc["files"]).size(), 2u);
  EXPECT_EQ(uint64_t(doc["errors"]), files[0].diags->error_count());
  EXPECT_EQ(uint64_t(doc["warnings"]), files[1].diags->warning_count());
  for (simdjson::dom::element d : simdjson::dom::array(doc["diagnostics"])) {
    for (const char* key : {"file", "line", "column", "end_column", "severity", "code", "message", "hint"})
      EXPECT_NE(d[key].error(), simdjson::NO_SUCH_FIELD) << key;
    EXPECT_NE(find_code(std::string_view(d["code"])), nullptr);
  }
}

TEST(DiagnosticsFormat, JsonStringsAreAlwaysValid) {
  std::string nasty = std::string("quote \" backslash \\ tab \t nl \n bell \x07 del \x7f bad \xff\xfe end é");
  std::string lit = scorec::json_string(nasty);
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  ASSERT_EQ(parser.parse(lit).get(e), simdjson::SUCCESS) << lit;
  std::string_view back = e;
  EXPECT_NE(back.find("quote \" backslash \\ tab \t nl \n bell \x07"), std::string_view::npos);
  EXPECT_NE(back.find("end é"), std::string_view::npos);
}

TEST(DiagnosticsFormat, NoLocationUsesTheCheckedFile) {
  SourceManager sources;
  Diagnostics diags;
  compile_file("/nonexistent/rules.score", sources, diags);
  std::ostringstream s;
  render_json(s, {{"/nonexistent/rules.score", &sources, &diags}});
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(s.str()).get(doc), simdjson::SUCCESS) << s.str();
  simdjson::dom::element d = doc["diagnostics"].at(0);
  EXPECT_EQ(std::string_view(d["file"]), "/nonexistent/rules.score");
  EXPECT_TRUE(d["line"].is_null());
  EXPECT_EQ(std::string_view(d["code"]), "E052");
  std::ostringstream sarif;
  render_sarif(sarif, {{"/nonexistent/rules.score", &sources, &diags}});
  simdjson::dom::element log;
  ASSERT_EQ(parser.parse(sarif.str()).get(log), simdjson::SUCCESS) << sarif.str();
}

// Every registered code is documented with a heading in docs/diagnostics.md, and the
// document names no code that is not registered.
TEST(DiagnosticCodes, RegistryAndDocsAgree) {
  std::ifstream in(std::string(SCOREC_SOURCE_DIR) + "/docs/diagnostics.md");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  std::set<std::string> headed;
  std::regex heading(R"(^### ([EW][0-9]{3}))", std::regex::multiline);
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), heading); it != std::sregex_iterator(); ++it)
    headed.insert((*it)[1]);
  std::set<std::string> registered;
  for (const auto& c : all_codes()) {
    registered.insert(std::string(c.code));
    EXPECT_TRUE(headed.count(std::string(c.code))) << c.code << " is not documented in docs/diagnostics.md";
  }
  for (const auto& h : headed) EXPECT_TRUE(registered.count(h)) << h << " is documented but not registered";
  EXPECT_EQ(registered.size(), all_codes().size()) << "codes are unique";
  // Every code the frontend's sources use is registered.
  std::regex literal(R"re("([EW][0-9]{3})")re");
  for (const char* f : {"parser.cpp", "compiler.cpp", "checker.cpp", "check_expr.cpp", "check_call.cpp", "check_tiers.cpp",
                        "check_lint.cpp", "check_tests.cpp"}) {
    std::ifstream src(std::string(SCOREC_SOURCE_DIR) + "/frontend/" + f);
    ASSERT_TRUE(src) << f;
    std::stringstream text;
    text << src.rdbuf();
    std::string t = text.str();
    for (auto it = std::sregex_iterator(t.begin(), t.end(), literal); it != std::sregex_iterator(); ++it)
      EXPECT_TRUE(registered.count((*it)[1])) << f << " uses unregistered code " << (*it)[1];
  }
}

}  // namespace
}  // namespace scorec::frontend
