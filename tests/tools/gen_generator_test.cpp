// The event stream and profiles: determinism, ordering, mix, skew, schema,
// sign-up consistency and bounded-memory streaming.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <vector>

#include "catalog.h"
#include "generator.h"

namespace scorec::gen {
namespace {

GeneratorConfig config(uint64_t seed, size_t users, size_t events) {
  GeneratorConfig c;
  c.seed = seed;
  c.users = users;
  c.events = events;
  return c;
}

bool same_event(const Event& a, const Event& b) {
  if (a.user != b.user || a.type != b.type || a.ts != b.ts || a.num_props != b.num_props) return false;
  for (size_t i = 0; i < a.num_props; ++i)
    if (a.props[i].name != b.props[i].name || a.props[i].value != b.props[i].value) return false;
  return true;
}

TEST(GenGenerator, SameSeedSameEvents) {
  const auto a = generate_events(config(42, 1000, 50000));
  const auto b = generate_events(config(42, 1000, 50000));
  ASSERT_EQ(a.size(), 50000u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(same_event(a[i], b[i])) << "event " << i;
}

TEST(GenGenerator, DifferentSeedDifferentEvents) {
  const auto a = generate_events(config(42, 1000, 1000));
  const auto b = generate_events(config(43, 1000, 1000));
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += same_event(a[i], b[i]);
  EXPECT_LT(same, 10u);
}

TEST(GenGenerator, SameSeedSameProfilesDifferentSeedDifferent) {
  const auto a = generate_profiles(config(42, 500, 0));
  const auto b = generate_profiles(config(42, 500, 0));
  const auto c = generate_profiles(config(43, 500, 0));
  ASSERT_EQ(a.size(), 500u);
  size_t diff_ab = 0, diff_ac = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff_ab += a[i].signed_up != b[i].signed_up || a[i].plan != b[i].plan || a[i].city != b[i].city;
    diff_ac += a[i].signed_up != c[i].signed_up || a[i].plan != c[i].plan || a[i].city != c[i].city;
  }
  EXPECT_EQ(diff_ab, 0u);
  EXPECT_GT(diff_ac, 400u);
}

TEST(GenGenerator, TimestampsNonDecreasingWholeSecondsWithinSpan) {
  GeneratorConfig c = config(5, 2000, 200000);
  c.start_epoch_s = 1704067200;  // 2024-01-01
  c.span_days = 30;
  EventGenerator gen(c);
  Event e;
  int64_t prev = INT64_MIN;
  size_t n = 0;
  while (gen.next(e)) {
    ASSERT_GE(e.ts, prev) << "event " << n;
    ASSERT_GE(e.ts, 1704067200);
    ASSERT_LT(e.ts, 1704067200 + 30 * 86400);
    prev = e.ts;
    ++n;
  }
  EXPECT_EQ(n, 200000u);
  EXPECT_EQ(gen.remaining(), 0u);
}

TEST(GenGenerator, TimestampsCoverTheSpanEvenly) {
  // Order statistics of uniform times: each tenth of the span gets ~10%.
  GeneratorConfig c = config(9, 1000, 100000);
  c.span_days = 100;
  std::vector<size_t> deciles(10, 0);
  for_each_event(c, [&](const Event& e) {
    ++deciles[static_cast<size_t>((e.ts - static_cast<int64_t>(c.start_epoch_s)) / (10 * 86400))];
  });
  for (size_t d : deciles) EXPECT_NEAR(d / 100000.0, 0.1, 0.01);
}

TEST(GenGenerator, EventMixMatchesWeights) {
  const GeneratorConfig c = config(11, 5000, 200000);
  std::vector<size_t> counts(kEventTypeCount, 0);
  for_each_event(c, [&](const Event& e) { ++counts[static_cast<size_t>(e.type)]; });
  const EventMix mix = default_mix();
  double total = 0;
  for (double w : mix) total += w;
  for (size_t t = 0; t < kEventTypeCount; ++t) {
    const double expected = mix[t] / total;
    // ~5 standard deviations of a binomial proportion at n = 200k.
    EXPECT_NEAR(counts[t] / 200000.0, expected, 0.005) << event_name(static_cast<EventType>(t));
  }
}

TEST(GenGenerator, ZeroWeightEventsNeverAppear) {
  GeneratorConfig c = config(3, 100, 20000);
  c.mix = *scenario_mix("campaign");
  for_each_event(c, [&](const Event& e) {
    ASSERT_GT(c.mix[static_cast<size_t>(e.type)], 0.0) << e.name();
  });
}

TEST(GenGenerator, UsersAreZipfSkewed) {
  const GeneratorConfig c = config(21, 10000, 200000);
  std::vector<uint64_t> per_user(c.users, 0);
  for_each_event(c, [&](const Event& e) { ++per_user[e.user]; });
  std::sort(per_user.begin(), per_user.end(), std::greater<>());
  const uint64_t top = per_user.front();
  const uint64_t median = per_user[per_user.size() / 2];
  EXPECT_GT(top, 100 * std::max<uint64_t>(median, 1));

  // Rank-frequency on log-log over the well-populated head is ~ -s. Late
  // sign-ups thin some users out, hence the looser bound than the sampler's.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const int ranks = 100;
  for (int r = 1; r <= ranks; ++r) {
    const double x = std::log(r), y = std::log(static_cast<double>(per_user[r - 1]));
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double slope = (ranks * sxy - sx * sy) / (ranks * sxx - sx * sx);
  EXPECT_NEAR(slope, -c.zipf_s, 0.15);
}

TEST(GenGenerator, HotUsersAreScatteredOverIndices) {
  // The rank -> index permutation: the 10 hottest users are not 0..9.
  EventGenerator gen(config(42, 100000, 0));
  uint32_t max_index = 0;
  for (uint64_t r = 0; r < 10; ++r) max_index = std::max(max_index, gen.users().index_of_rank(r));
  EXPECT_GT(max_index, 1000u);
  for (uint32_t i : {0u, 1u, 777u, 99999u}) EXPECT_EQ(gen.users().index_of_rank(gen.users().rank_of(i)), i);
}

TEST(GenGenerator, SignedUpPrecedesEveryUsersFirstEvent) {
  const GeneratorConfig c = config(8, 5000, 200000);
  std::unordered_map<uint32_t, int64_t> first_event;
  for_each_event(c, [&](const Event& e) { first_event.try_emplace(e.user, e.ts); });
  size_t late_signups = 0;
  for_each_profile(c, [&](const Profile& p) {
    auto it = first_event.find(p.user);
    if (it != first_event.end()) ASSERT_LT(p.signed_up, it->second) << user_id(p.user);
    late_signups += p.signed_up >= static_cast<int64_t>(c.start_epoch_s);
  });
  // Some users sign up inside the span (for "new and never logged in" segments).
  EXPECT_NEAR(late_signups / 5000.0, c.late_signup_fraction, 0.03);
}

TEST(GenGenerator, EventsCarryExactlyTheirSchemaProperties) {
  const GeneratorConfig c = config(13, 500, 50000);
  EventGenerator gen(c);
  Event e;
  while (gen.next(e)) {
    const auto spec = event_spec(e.type).props;
    ASSERT_EQ(e.num_props, spec.size()) << e.name();
    for (size_t i = 0; i < spec.size(); ++i) {
      ASSERT_EQ(e.props[i].name, spec[i].name);
      if (spec[i].type == PropType::string) ASSERT_TRUE(std::holds_alternative<std::string_view>(e.props[i].value));
      else ASSERT_TRUE(std::holds_alternative<double>(e.props[i].value));
    }
    if (e.type == EventType::purchase) {
      const double amount = std::get<double>(*e.find("amount"));
      ASSERT_GE(amount, 0.99);
      ASSERT_EQ(std::round(amount * 100) / 100, amount);  // whole cents
      // The currency is the one of the user's country.
      const auto currency = std::get<std::string_view>(*e.find("currency"));
      ASSERT_EQ(currency, catalog::city(gen.users().city_index(e.user)).currency);
      ASSERT_GE(std::get<double>(*e.find("items")), 1.0);
    }
    if (e.type == EventType::site_visit || e.type == EventType::content_viewed) {
      const double secs = std::get<double>(*e.find("seconds"));
      ASSERT_GE(secs, 1.0);
      ASSERT_EQ(secs, std::floor(secs));
    }
  }
  EXPECT_EQ(e.find("no_such_property"), nullptr);
}

TEST(GenGenerator, PurchaseAmountsAreLogNormalWithMedianNear40) {
  GeneratorConfig c = config(17, 1000, 100000);
  c.mix = {};
  c.mix[static_cast<size_t>(EventType::purchase)] = 1;
  std::vector<double> amounts;
  for_each_event(c, [&](const Event& e) { amounts.push_back(std::get<double>(*e.find("amount"))); });
  std::sort(amounts.begin(), amounts.end());
  EXPECT_NEAR(amounts[amounts.size() / 2], 40.0, 2.0);
  EXPECT_GT(amounts[amounts.size() * 99 / 100], 250.0);  // long tail
}

TEST(GenGenerator, ProfilesMatchTheSchema) {
  const auto profiles = generate_profiles(config(4, 20000, 0));
  std::map<std::string_view, size_t> plans;
  size_t null_industry = 0, with_tags = 0;
  for (const auto& p : profiles) {
    ++plans[p.plan];
    null_industry += !p.industry.has_value();
    with_tags += p.num_tags > 0;
    ASSERT_GE(p.company_size, 1.0);
    ASSERT_FALSE(p.city.empty());
    ASSERT_FALSE(p.country.empty());
    ASSERT_FALSE(p.job_title.empty());
  }
  EXPECT_EQ(plans.size(), 3u);
  EXPECT_GT(plans["free"], plans["paid"]);
  EXPECT_NEAR(null_industry / 20000.0, 0.10, 0.015);
  EXPECT_GT(with_tags, 2000u);
  EXPECT_LT(with_tags, 10000u);  // "often empty"
}

TEST(GenGenerator, CallbackStreamingUsesBoundedMemory) {
  // 2 M events stored would take ~300 MB; streamed, peak RSS must not move.
  constexpr size_t kEvents = 2'000'000;
  const GeneratorConfig c = config(99, 100000, kEvents);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  size_t n = 0;
  uint64_t checksum = 0;
  for_each_event(c, [&](const Event& e) {
    ++n;
    checksum += static_cast<uint64_t>(e.ts) ^ e.user;
  });
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_EQ(n, kEvents);
  EXPECT_NE(checksum, 0u);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 32 * 1024) << "KiB of peak RSS growth";
}

TEST(GenGenerator, CallbackAndVectorFormsAgree) {
  const GeneratorConfig c = config(6, 50, 2000);
  const auto all = generate_events(c);
  size_t i = 0;
  for_each_event(c, [&](const Event& e) { ASSERT_TRUE(same_event(e, all[i++])); });
  EXPECT_EQ(i, all.size());
}

TEST(GenGenerator, RejectsBadConfigs) {
  GeneratorConfig c;
  c.users = 0;
  EXPECT_THROW(validate(c), std::invalid_argument);
  c = {};
  c.span_days = 0;
  EXPECT_THROW(validate(c), std::invalid_argument);
  c = {};
  c.zipf_s = 0;
  EXPECT_THROW(validate(c), std::invalid_argument);
  c = {};
  c.mix = {};
  EXPECT_THROW(EventGenerator{c}, std::invalid_argument);
  c = {};
  c.mix[0] = -1;
  EXPECT_THROW(validate(c), std::invalid_argument);
}

TEST(GenGenerator, MixPresetsAndOverrides) {
  for (auto name : {"default", "content", "campaign", "b2b", "ecommerce"}) {
    const auto mix = scenario_mix(name);
    ASSERT_TRUE(mix) << name;
    double total = 0;
    for (double w : *mix) total += w;
    EXPECT_NEAR(total, 100.0, 1e-9) << name;
  }
  EXPECT_FALSE(scenario_mix("nope"));
  EventMix m = default_mix();
  apply_mix_overrides(m, "purchase=10,push_click=0");
  EXPECT_EQ(m[static_cast<size_t>(EventType::purchase)], 10);
  EXPECT_EQ(m[static_cast<size_t>(EventType::push_click)], 0);
  EXPECT_THROW(apply_mix_overrides(m, "purchse=1"), std::invalid_argument);
  EXPECT_THROW(apply_mix_overrides(m, "purchase=-1"), std::invalid_argument);
  EXPECT_THROW(apply_mix_overrides(m, "purchase"), std::invalid_argument);
}

TEST(GenGenerator, SingleUserAndZeroEvents) {
  EXPECT_TRUE(generate_events(config(1, 1000, 0)).empty());
  const auto one = generate_events(config(1, 1, 1000));
  for (const auto& e : one) ASSERT_EQ(e.user, 0u);
}

}  // namespace
}  // namespace scorec::gen
