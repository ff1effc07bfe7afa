// Scores the real files of ../shared/data with the rules and mappings shipped in
// examples/real_data, and checks counts and a few users' scores against values
// computed independently (a Python query over the raw CSV: for each customer the sum
// of Quantity * UnitPrice in file order, and the decayed first-order-of-each-UTC-day
// sum). Skips when the shared data is absent.
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "frontend/compiler.h"
#include "runtime/engine/driver.h"

namespace fs = std::filesystem;
using namespace scorec;

namespace {

struct Scored {
  runtime::RunOutput out;
  std::map<std::string, size_t> row;  // user id -> row
  double number(const std::string& user, const std::string& col) const {
    for (const auto& c : out.table.columns)
      if (c.name == col) return c.numbers.at(row.at(user));
    ADD_FAILURE() << "no column " << col;
    return 0;
  }
  std::string text(const std::string& user, const std::string& col) const {
    for (const auto& c : out.table.columns)
      if (c.name == col) return c.texts.at(row.at(user));
    ADD_FAILURE() << "no column " << col;
    return {};
  }
};

std::optional<Scored> score(const std::string& name, const std::string& data_file) {
  fs::path data = fs::path(SCOREC_SHARED_DATA_DIR) / data_file;
  if (!fs::exists(data)) return std::nullopt;
  fs::path dir = fs::path(SCOREC_SOURCE_DIR) / "examples" / "real_data";
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = frontend::compile_file((dir / (name + ".score")).string(), sources, diags);
  EXPECT_TRUE(program.has_value()) << "rules do not compile";
  if (!program) return std::nullopt;
  auto mapping = runtime::load_mapping_file((dir / (name + ".mapping")).string());
  EXPECT_TRUE(mapping.ok()) << (mapping.ok() ? "" : mapping.error().str());
  runtime::RunOptions o;
  o.events_path = data.string();
  o.events_mapping = *mapping;
  auto engine = runtime::make_interpreter();
  auto out = runtime::run_rules(*program, o, *engine);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().str());
  if (!out) return std::nullopt;
  Scored s{std::move(*out), {}};
  for (size_t i = 0; i < s.out.table.user_ids.size(); ++i) s.row[s.out.table.user_ids[i]] = i;
  return s;
}

TEST(RealData, RetailScoresMatchAnIndependentQuery) {
  auto s = score("retail", "online_retail_uci.csv.gz");
  if (!s) GTEST_SKIP() << "../shared/data/online_retail_uci.csv.gz is absent";
  const auto& sum = s->out.summary;
  EXPECT_EQ(sum.events.events_read, 541909u - 135080u);
  EXPECT_EQ(sum.events.missing_user, 135080u);
  EXPECT_EQ(sum.engine.used, 541909u - 135080u);
  EXPECT_EQ(sum.users, 4372u);
  EXPECT_EQ(sum.as_of, 1323435000.0);  // 2011-12-09 12:50:00, the latest InvoiceDate
  // Ids written as floats ("17850.0") are read as "17850".
  EXPECT_NEAR(s->number("17850", "spend_raw"), 5288.63, 1e-6);
  EXPECT_NEAR(s->number("14646", "spend_raw"), 279489.02, 1e-6);
  EXPECT_NEAR(s->number("12346", "spend_raw"), 0.0, 1e-6);  // an order cancelled in full
  EXPECT_NEAR(s->number("12583", "buying_days_raw"), 2.882265, 1e-6);
  EXPECT_NEAR(s->number("14646", "buying_days_raw"), 7.777948, 1e-6);
  EXPECT_EQ(s->text("14646", "spend_tier"), "top");
  EXPECT_EQ(s->text("12346", "spend_tier"), "low");
}

TEST(RealData, Rees46CountsAndScores) {
  auto s = score("rees46", "rees46_2019-Oct_first17k.csv");
  if (!s) GTEST_SKIP() << "../shared/data/rees46_2019-Oct_first17k.csv is absent";
  const auto& sum = s->out.summary;
  EXPECT_EQ(sum.events.events_read, 17434u);
  EXPECT_EQ(sum.engine.used, 17434u);
  EXPECT_EQ(sum.events.unknown_events, 0u);
  EXPECT_EQ(sum.users, 4504u);
  EXPECT_EQ(sum.as_of, 1569898200.0);  // 2019-10-01 02:50:00 UTC
  // min(views, 10) + min(electronics views, 10) + min(5 * carts, 20) + sum(50 + price / 100)
  // over purchases.
  EXPECT_NEAR(s->number("512384348", "intent_raw"), 63.3981, 1e-9);
  EXPECT_NEAR(s->number("512478069", "intent_raw"), 61.0039, 1e-9);  // 12 views, one purchase
  EXPECT_NEAR(s->number("515384420", "intent_raw"), 95.4779, 1e-9);  // 5 carts, capped at 20
  EXPECT_EQ(s->text("515384420", "intent_tier"), "buyer");
  // `buyer` means bought: the tier holds exactly the 193 users with a purchase (the
  // same query: 1,386 interested, 2,925 browsing).
  std::map<std::string, size_t> tiers;
  size_t bought = 0;
  for (const auto& c : s->out.table.columns) {
    if (c.name == "intent_tier")
      for (const auto& t : c.texts) ++tiers[t];
    if (c.name == "bought")
      for (double b : c.numbers) bought += b != 0;
  }
  EXPECT_EQ(tiers["buyer"], 193u);
  EXPECT_EQ(tiers["interested"], 1386u);
  EXPECT_EQ(tiers["browsing"], 2925u);
  EXPECT_EQ(bought, 193u);
  // Empty brand / category_code fields are nulls: starts_with(null, ...) is null, so
  // those views get no electronics point, and no weight is null.
  EXPECT_EQ(sum.engine.null_weights, 0u);
}

}  // namespace
