// The public C++ API (include/scorec/scorec.hpp): compile, score row by row and in
// batches, read results, save and continue state. Values are computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scorec/scorec.hpp"

namespace {

constexpr double kDay = 86400;
constexpr double kT = 1717200000;  // 2024-06-01T00:00:00Z

const char* kRules = R"(
event email_open { campaign: string }
event purchase { amount: number, tags: list<string> }
profile { plan: string }

score engagement {
  on email_open +3 cap 6 per 7d
  on purchase + amount / 10
  when plan == "paid" +500
  tiers { hot >= 100, cold }
}

score recent {
  decay half_life 7d
  on email_open +8
}

segment buyers = engagement.raw >= 20
)";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

scorec::Rules compile(const char* text = kRules, bool jit = true) {
  scorec::CompileOptions o;
  o.jit = jit;
  auto rules = scorec::compile_string(text, "api.score", o);
  EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
  return std::move(*rules);
}

class Api : public ::testing::TestWithParam<scorec::EngineKind> {
 protected:
  scorec::ScorerOptions options() const {
    scorec::ScorerOptions o;
    o.engine = GetParam();
    return o;
  }
};

// Bytes that are not UTF-8 are an error with a position (ANTLR's input stream used to
// throw std::range_error through compile_string and abort the process).
TEST(ApiCompile, InvalidUtf8IsAnError) {
  auto rules = scorec::compile_string("event a {}\n// caf\xe9\nscore s {\n  on a +1\n}\n", "latin1.score");
  ASSERT_FALSE(rules.ok());
  ASSERT_EQ(rules.error().diagnostics.size(), 1u);
  const auto& d = rules.error().diagnostics[0];
  EXPECT_EQ(d.code, "E053");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 7);
  EXPECT_NE(d.hint.find("Windows-1252"), std::string::npos) << d.hint;
}

// Rules from a string have no folder: an import resolves only in import_paths (and the
// stdlib), and never to an absolute path.
TEST(ApiCompile, ImportsComeFromImportPathsOnly) {
  auto dir = std::filesystem::temp_directory_path() / "scorec_api_import_paths";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "events.score") << "event a {}\n";
  const char* text = "import \"events.score\"\nscore s {\n  on a +1\n}\n";
  scorec::CompileOptions o;
  o.jit = false;
  EXPECT_FALSE(scorec::compile_string(text, "x.score", o).ok());
  o.import_paths.push_back(dir.string());
  auto rules = scorec::compile_string(text, "x.score", o);
  EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
  auto absolute = scorec::compile_string("import \"" + (dir / "events.score").string() + "\"\n", "x.score", o);
  ASSERT_FALSE(absolute.ok());
  EXPECT_EQ(absolute.error().diagnostics.at(0).code, "E054");
  std::filesystem::remove_all(dir);
}

TEST(ApiCompile, ErrorsAreValuesWithPositions) {
  auto rules = scorec::compile_string("event a {}\nscore s {\n  on emial_open +3\n}\n", "broken.score");
  ASSERT_FALSE(rules.ok());
  ASSERT_EQ(rules.error().diagnostics.size(), 1u);
  const auto& d = rules.error().diagnostics[0];
  EXPECT_EQ(d.file, "broken.score");
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 6);
  EXPECT_EQ(d.code, "E010");
  EXPECT_NE(rules.error().message.find("broken.score:3:6"), std::string::npos) << rules.error().message;
}

TEST(ApiCompile, Introspection) {
  auto rules = compile();
  EXPECT_EQ(rules.scores(), (std::vector<std::string>{"engagement", "recent"}));
  EXPECT_EQ(rules.segments(), (std::vector<std::string>{"buyers"}));
  EXPECT_EQ(rules.event_types(), (std::vector<std::string>{"email_open", "purchase"}));
  EXPECT_EQ(rules.columns(),
            (std::vector<std::string>{"engagement_raw", "engagement_tier", "recent_raw", "buyers"}));
  EXPECT_TRUE(rules.has_native());
}

TEST(ApiCompile, NativeEngineNeedsNativeCode) {
  auto rules = compile(kRules, /*jit=*/false);
  EXPECT_FALSE(rules.has_native());
  auto scorer = scorec::Scorer::create(rules, kT);
  ASSERT_FALSE(scorer.ok());
  EXPECT_NE(scorer.error().message.find("EngineKind::Interpreter"), std::string::npos);
}

TEST_P(Api, RowAtATimeHandComputed) {
  auto rules = compile();
  auto scorer = scorec::Scorer::create(rules, kT, options());
  ASSERT_TRUE(scorer.ok()) << scorer.error().message;
  auto& s = *scorer;
  // Three opens in one week: the cap of 6 accepts 3 + 3 + 0.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.add_event("ana", "email_open", kT - 3 * kDay + i, {{"campaign", "spring"}}).ok());
  ASSERT_TRUE(s.add_event("ana", "purchase", kT - kDay, {{"amount", 125.0}, {"tags", scorec::Value::List{"a", "b"}}}).ok());
  ASSERT_TRUE(s.set_profile("bo", {{"plan", "paid"}}).ok());
  auto ana = s.user("ana");
  ASSERT_TRUE(ana.ok()) << ana.error().message;
  EXPECT_DOUBLE_EQ(ana->scores[0].raw, 6 + 12.5);
  EXPECT_EQ(ana->scores[0].tier, "cold");
  // recent: 8 * 2^(-3/7) for each open (timestamps 0, 1, 2 seconds apart).
  double expected = 0;
  for (int i = 0; i < 3; ++i) expected += 8 * std::exp2(-(3 * kDay - i) / (7 * kDay));
  EXPECT_NEAR(ana->scores[1].raw, expected, 1e-9);
  EXPECT_FALSE(ana->segments[0].second);
  auto bo = s.user("bo");
  ASSERT_TRUE(bo.ok());
  EXPECT_DOUBLE_EQ(bo->scores[0].raw, 500);
  EXPECT_EQ(bo->scores[0].tier, "hot");
  EXPECT_TRUE(bo->segments[0].second);

  auto stats = s.stats();
  EXPECT_EQ(stats.events, 4u);
  EXPECT_EQ(stats.used, 4u);
  EXPECT_EQ(stats.users, 2u);

  // After the as-of time: waits, then applies when time reaches it.
  ASSERT_TRUE(s.add_event("ana", "purchase", kT + kDay, {{"amount", 40.0}}).ok());
  EXPECT_EQ(s.stats().pending, 1u);
  EXPECT_DOUBLE_EQ(s.user("ana")->scores[0].raw, 18.5);
  ASSERT_TRUE(s.advance(kT + 2 * kDay).ok());
  EXPECT_EQ(s.stats().pending, 0u);
  EXPECT_DOUBLE_EQ(s.user("ana")->scores[0].raw, 22.5);
  EXPECT_TRUE(s.user("ana")->segments[0].second);
  EXPECT_FALSE(s.advance(kT).ok());  // never back
}

TEST_P(Api, BadInputIsAnErrorOrCounted) {
  auto rules = compile();
  auto s = std::move(*scorec::Scorer::create(rules, kT, options()));
  auto st = s.add_event("ana", "purchase", kT, {{"amout", 3.0}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("'amout'"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("amount"), std::string::npos);
  EXPECT_FALSE(s.add_event("ana", "purchase", NAN).ok());
  EXPECT_FALSE(s.set_profile("ana", {{"plann", "paid"}}).ok());
  // An undeclared event type is counted, and its user is part of the population.
  ASSERT_TRUE(s.add_event("cy", "page_view", kT).ok());
  // A value of the wrong kind is null, counted.
  ASSERT_TRUE(s.add_event("cy", "purchase", kT, {{"amount", true}}).ok());
  auto stats = s.stats();
  EXPECT_EQ(stats.unknown_type, 1u);
  EXPECT_EQ(stats.bad_values, 1u);
  EXPECT_EQ(stats.null_weights, 1u);  // amount / 10 of a null amount
  auto cy = s.user("cy");
  ASSERT_TRUE(cy.ok());
  EXPECT_EQ(cy->scores[0].raw, 0);
  EXPECT_FALSE(s.user("nobody").ok());
}

TEST_P(Api, ColumnarBatchEqualsRows) {
  auto rules = compile();
  auto rows = std::move(*scorec::Scorer::create(rules, kT, options()));
  auto batch = std::move(*scorec::Scorer::create(rules, kT, options()));
  std::vector<std::string_view> users = {"a", "b", "a", "c", "a"};
  std::vector<std::string_view> types = {"email_open", "purchase", "purchase", "email_open", "email_open"};
  std::vector<double> ts = {kT - 5, kT - 4, kT - 3, kT - 2, kT - 1};
  std::vector<double> amount = {0, 50, NAN, 0, 0};
  std::vector<std::string_view> campaign = {"x", "", "", "y", "x"};
  std::vector<uint8_t> campaign_valid = {1, 0, 0, 1, 1};
  scorec::EventColumns cols;
  cols.size = 5;
  cols.users = users;
  cols.types = types;
  cols.ts = ts;
  cols.columns.push_back({"amount", amount, {}, {}});
  cols.columns.push_back({"campaign", {}, campaign, campaign_valid});
  ASSERT_TRUE(batch.add_events(cols).ok());
  for (size_t i = 0; i < 5; ++i) {
    std::vector<scorec::Field> f;
    if (types[i] == "purchase" && !std::isnan(amount[i])) f.push_back({"amount", amount[i]});
    if (campaign_valid[i]) f.push_back({"campaign", campaign[i]});
    ASSERT_TRUE(rows.add_event(users[i], types[i], ts[i], f).ok());
  }
  EXPECT_EQ(batch.results()->csv(), rows.results()->csv());
  EXPECT_EQ(batch.user("b")->scores[0].raw, 5);
  EXPECT_EQ(batch.user("a")->scores[0].raw, 6);  // 3 + 3 (cap 6), the purchase amount null
  cols.columns.push_back({"no_such_property", amount, {}, {}});
  EXPECT_FALSE(batch.add_events(cols).ok());
}

// Integer user keys: key k is the user whose id is k's decimal text. Hand-computed:
// user 7 opens twice (3 + 3, within the cap of 6) and user 3 buys for 80 (+8); recent
// decays each open from its time.
TEST_P(Api, UserKeysHandComputed) {
  auto rules = compile();
  auto o = options();
  o.user_key_limit = 100;
  auto s = std::move(*scorec::Scorer::create(rules, kT, o));
  std::vector<uint32_t> keys = {7, 3, 7};
  std::vector<std::string_view> types = {"email_open", "purchase", "email_open"};
  std::vector<double> ts = {kT - 2 * kDay, kT - kDay, kT - kDay + 1};
  std::vector<double> amount = {NAN, 80, NAN};
  scorec::EventColumns cols;
  cols.size = 3;
  cols.user_keys = keys;
  cols.types = types;
  cols.ts = ts;
  cols.columns.push_back({"amount", amount, {}, {}});
  ASSERT_TRUE(s.add_events(cols).ok());
  auto seven = s.user("7");
  ASSERT_TRUE(seven.ok()) << seven.error().message;
  EXPECT_DOUBLE_EQ(seven->scores[0].raw, 6);
  EXPECT_NEAR(seven->scores[1].raw, 8 * std::exp2(-2.0 / 7) + 8 * std::exp2(-(kDay - 1) / (7 * kDay)), 1e-9);
  EXPECT_DOUBLE_EQ(s.user("3")->scores[0].raw, 8);
  auto table = s.results();
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->users, (std::vector<std::string>{"7", "3"}));  // first appearance

  // Ids and keys name the same users, whichever comes first.
  ASSERT_TRUE(s.add_event("3", "purchase", kT, {{"amount", 20.0}}).ok());
  ASSERT_TRUE(s.add_event("42", "purchase", kT, {{"amount", 10.0}}).ok());
  std::vector<uint32_t> more = {42, 3};
  std::vector<std::string_view> buys = {"purchase", "purchase"};
  std::vector<double> at = {kT, kT}, amounts = {50, 100};
  scorec::EventColumns again;
  again.size = 2;
  again.user_keys = more;
  again.types = buys;
  again.ts = at;
  again.columns.push_back({"amount", amounts, {}, {}});
  ASSERT_TRUE(s.add_events(again).ok());
  EXPECT_DOUBLE_EQ(s.user("3")->scores[0].raw, 8 + 2 + 10);
  EXPECT_DOUBLE_EQ(s.user("42")->scores[0].raw, 1 + 5);
  EXPECT_EQ(s.stats().users, 3u);
  EXPECT_EQ(s.stats().events, 7u);
}

TEST_P(Api, UserKeysOutOfRangeOrMixedAreErrors) {
  auto rules = compile();
  auto o = options();
  o.user_key_limit = 10;
  auto s = std::move(*scorec::Scorer::create(rules, kT, o));
  std::vector<uint32_t> keys = {1, 10, 2};
  std::vector<std::string_view> users = {"a", "b", "c"}, types = {"email_open", "email_open", "email_open"};
  std::vector<double> ts = {kT, kT, kT};
  scorec::EventColumns cols;
  cols.size = 3;
  cols.user_keys = keys;
  cols.types = types;
  cols.ts = ts;
  auto st = s.add_events(cols);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "batch row 1: user key 10 is not below the scorer's user_key_limit 10");
  cols.users = users;
  keys[1] = 9;
  st = s.add_events(cols);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("both user ids and user keys"), std::string::npos) << st.error().message;
  EXPECT_EQ(s.stats().events, 0u);  // nothing of a refused batch is added
  EXPECT_EQ(s.stats().users, 0u);
  cols.users = {};
  auto plain = std::move(*scorec::Scorer::create(rules, kT, options()));
  st = plain.add_events(cols);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("ScorerOptions::user_key_limit"), std::string::npos) << st.error().message;
  EXPECT_TRUE(s.add_events(cols).ok());
  EXPECT_EQ(s.stats().users, 3u);
}

// Keys give what their decimal ids give, event for event: a few hundred events over a
// few dozen users with repeats, across calls, both partitions of a split included.
TEST_P(Api, UserKeysScoreAsTheirIds) {
  auto rules = compile();
  for (uint32_t parts : {1u, 2u}) {
    for (uint32_t part = 0; part < parts; ++part) {
      auto o = options();
      o.user_key_limit = 1000;
      o.partitions = parts;
      o.partition = part;
      auto by_key = std::move(*scorec::Scorer::create(rules, kT, o));
      auto by_id = std::move(*scorec::Scorer::create(rules, kT, o));
      std::vector<uint32_t> keys;
      std::vector<std::string> texts;
      std::vector<std::string_view> ids, types;
      std::vector<double> ts, amount;
      for (uint32_t i = 0; i < 300; ++i) {
        keys.push_back((i * 37 + i / 7) % 41 * 23);
        texts.push_back(std::to_string(keys.back()));
        types.push_back(i % 3 ? "email_open" : "purchase");
        ts.push_back(kT - 30 * kDay + i * 5000.0);
        amount.push_back(i % 11);
      }
      for (auto& t : texts) ids.push_back(t);
      for (size_t from = 0; from < 300; from += 100) {
        scorec::EventColumns k, d;
        k.size = d.size = 100;
        k.user_keys = std::span(keys).subspan(from, 100);
        d.users = std::span(ids).subspan(from, 100);
        k.types = d.types = std::span(types).subspan(from, 100);
        k.ts = d.ts = std::span(ts).subspan(from, 100);
        k.columns.push_back({"amount", std::span(amount).subspan(from, 100), {}, {}});
        d.columns = k.columns;
        ASSERT_TRUE(by_key.add_events(k).ok());
        ASSERT_TRUE(by_id.add_events(d).ok());
      }
      EXPECT_EQ(by_key.results()->csv(), by_id.results()->csv());
      auto a = by_key.stats(), b = by_id.stats();
      EXPECT_EQ(a.users, b.users);
      EXPECT_EQ(a.used, b.used);
      EXPECT_EQ(a.other_partition, b.other_partition);
      if (parts == 2) EXPECT_GT(a.other_partition, 0u);
      EXPECT_EQ(a.events, 300u);
    }
  }
}

TEST_P(Api, FilesGiveWhatScorecRunGives) {
  const std::string dir = SCOREC_SOURCE_DIR "/examples/campaign/";
  auto rules = scorec::compile_file(dir + "campaign.score");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  auto s = std::move(*scorec::Scorer::create(*rules, kT, options()));
  ASSERT_TRUE(s.read_events(dir + "events.ndjson").ok());
  auto table = s.results();
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->csv(), slurp(dir + "expected.csv"));
  EXPECT_FALSE(s.read_events(dir + "no-such-file.ndjson").ok());
}

TEST_P(Api, SavedStateContinues) {
  auto rules = compile();
  auto path = (std::filesystem::temp_directory_path() / ("scorec_api_state_" + std::to_string(::getpid()))).string();
  auto one = std::move(*scorec::Scorer::create(rules, kT, options()));
  auto first = std::move(*scorec::Scorer::create(rules, kT, options()));
  for (auto* s : {&one, &first}) {
    ASSERT_TRUE(s->add_event("ana", "email_open", kT - 2 * kDay).ok());
    ASSERT_TRUE(s->set_profile("bo", {{"plan", "paid"}}).ok());
  }
  ASSERT_TRUE(first.save_state(path).ok());
  auto second = scorec::Scorer::load_state(rules, path, options());
  ASSERT_TRUE(second.ok()) << second.error().message;
  for (auto* s : {&one, &*second}) {
    ASSERT_TRUE(s->advance(kT + 10 * kDay).ok());
    ASSERT_TRUE(s->add_event("ana", "email_open", kT + 9 * kDay).ok());
    ASSERT_TRUE(s->add_event("bo", "purchase", kT + 8 * kDay, {{"amount", 30.0}}).ok());
  }
  EXPECT_EQ(one.results()->csv(), second->results()->csv());
  EXPECT_NEAR(second->user("ana")->scores[1].raw, 8 * std::exp2(-12.0 / 7) + 8 * std::exp2(-1.0 / 7), 1e-9);

  // Other rules (another event type: another state layout) are refused.
  auto other = compile((std::string(kRules) + "event refund { }\n").c_str());
  auto refused = scorec::Scorer::load_state(other, path, options());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("other rules"), std::string::npos) << refused.error().message;
  std::filesystem::remove(path);
}

TEST_P(Api, Partitions) {
  auto rules = compile();
  scorec::ScorerOptions o = options();
  o.partitions = 3;
  o.partition = scorec::partition_of("ana", 3);
  auto s = std::move(*scorec::Scorer::create(rules, kT, o));
  ASSERT_TRUE(s.add_event("ana", "email_open", kT).ok());
  // FNV-1a 64: "ana" is 0xe6f79c19051ffb05, "bo" 0x08a63907b54dda3e; fixed values, so
  // a user never moves between partitions across versions or machines.
  EXPECT_EQ(scorec::partition_of("ana", 1000), 725u);
  EXPECT_EQ(scorec::partition_of("ana", 3), 2u);
  EXPECT_EQ(scorec::partition_of("bo", 3), 2u);
  EXPECT_EQ(scorec::partition_of("anything", 1), 0u);
  ASSERT_TRUE(s.add_event("bo", "email_open", kT).ok());
  const char* other = scorec::partition_of("cy", 3) != 2 ? "cy" : "dee";
  ASSERT_NE(scorec::partition_of(other, 3), 2u);
  ASSERT_TRUE(s.add_event(other, "email_open", kT).ok());
  EXPECT_EQ(s.stats().users, 2u);
  EXPECT_EQ(s.stats().other_partition, 1u);
  o.partition = 3;
  EXPECT_FALSE(scorec::Scorer::create(rules, kT, o).ok());
}

// Times outside what scorec represents (years 0001 to 9999) are errors where they come
// in, and timestamp values outside it are null, counted; NaN included.
TEST_P(Api, TimesOutsideTheRangeAreErrors) {
  auto rules = compile("event visit { at: timestamp }\nscore s {\n  decay half_life 7d\n  on visit +1\n}\n");
  for (double t : {1e300, -1e300, 253402300800.0, -62135596801.0, double(NAN), double(INFINITY)}) {
    auto created = scorec::Scorer::create(rules, t, options());
    ASSERT_FALSE(created.ok()) << t;
    EXPECT_NE(created.error().message.find("not an instant scorec represents"), std::string::npos)
        << created.error().message;
  }
  auto s = std::move(*scorec::Scorer::create(rules, kT, options()));
  for (double t : {1e300, -1e300, double(NAN)}) {
    EXPECT_FALSE(s.advance(t).ok()) << t;
    auto st = s.add_event("ana", "visit", t);
    ASSERT_FALSE(st.ok()) << t;
    EXPECT_NE(st.error().message.find("event 'visit' of user 'ana': the timestamp"), std::string::npos)
        << st.error().message;
    std::string_view users[] = {"ana"}, types[] = {"visit"};
    double ts[] = {t};
    scorec::EventColumns batch;
    batch.size = 1;
    batch.users = users;
    batch.types = types;
    batch.ts = ts;
    EXPECT_FALSE(s.add_events(batch).ok()) << t;
  }
  EXPECT_EQ(s.as_of(), kT);
  EXPECT_EQ(s.stats().events, 0u);
  ASSERT_TRUE(s.add_event("ana", "visit", kT, {{"at", 1e300}}).ok());
  EXPECT_EQ(s.stats().bad_values, 1u);
  // The ends themselves are instants.
  EXPECT_TRUE(scorec::Scorer::create(rules, -62135596800.0, options()).ok());
  EXPECT_TRUE(s.advance(253402300799.0).ok());
}

// A path that is not a state file is an error value, whatever it names (a directory
// terminated the process on a stream exception).
TEST_P(Api, LoadStateOfADirectoryOrDeviceIsAnError) {
  auto rules = compile();
  auto dir = scorec::Scorer::load_state(rules, std::filesystem::temp_directory_path().string(), options());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("is a directory"), std::string::npos) << dir.error().message;
  auto zeros = scorec::Scorer::load_state(rules, "/dev/zero", options());
  ASSERT_FALSE(zeros.ok());
  EXPECT_NE(zeros.error().message.find("not a scorec state file"), std::string::npos) << zeros.error().message;
}

INSTANTIATE_TEST_SUITE_P(Engines, Api, ::testing::Values(scorec::EngineKind::Native, scorec::EngineKind::Interpreter),
                         [](const auto& info) {
                           return info.param == scorec::EngineKind::Native ? "native" : "interpreter";
                         });

}  // namespace
