// The readers on real data (../shared/data): the counts the data's README states, and
// per-user facts computed independently (python3 csv + gzip over the same files).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "runtime/io/event_reader.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

const std::string kDataDir = SCOREC_SHARED_DATA_DIR;

struct Ingest {
  ir::Schema schema;
  StringPool strings;
  ListPool lists;
  UserIndex users;
  ProfileTable profiles{0};
  IngestStats stats;
  IngestContext ctx{schema, strings, lists, users, profiles, stats};
};

ir::PropDecl prop(const std::string& name, ir::Type t, int column) { return ir::PropDecl{name, t, column}; }

FieldMapping mapping(std::initializer_list<const char*> options) {
  FieldMapping m;
  for (const char* o : options) EXPECT_TRUE(m.apply_option(o).ok()) << o;
  return m;
}

std::string need(const std::string& file) {
  std::string path = kDataDir + "/" + file;
  return std::filesystem::exists(path) ? path : std::string();
}

TEST(RealData, OnlineRetail) {
  std::string path = need("online_retail_uci.csv.gz");
  if (path.empty()) GTEST_SKIP() << kDataDir << "/online_retail_uci.csv.gz is absent";
  Ingest run;
  run.schema.events.push_back(ir::EventDecl{"purchase",
                                            {prop("quantity", ir::Type::Number, 0),
                                             prop("unit_price", ir::Type::Number, 1),
                                             prop("invoice", ir::Type::String, 2),
                                             prop("country", ir::Type::String, 3)}});
  run.schema.num_columns = 4;
  auto m = mapping({"user=CustomerID", "event_name=purchase", "time=InvoiceDate",
                    "time_format=%Y-%m-%d %H:%M:%S", "prop.quantity=Quantity", "prop.unit_price=UnitPrice",
                    "prop.invoice=InvoiceNo", "prop.country=Country"});
  auto reader = open_event_reader(path, m, run.ctx);
  ASSERT_TRUE(reader.ok()) << reader.error().str();

  std::map<std::string, std::pair<int, double>> per_user;  // rows, sum of quantity * unit price
  int64_t cancellations = 0;
  EventBatch batch;
  for (;;) {
    auto more = (*reader)->next(batch, 65536);
    ASSERT_TRUE(more.ok()) << more.error().str();
    if (!*more) break;
    for (size_t i = 0; i < batch.size(); ++i) {
      ASSERT_EQ(batch.type[i], 0);
      ASSERT_TRUE(batch.columns[0].valid[i] && batch.columns[1].valid[i] && batch.columns[2].valid[i]);
      std::string id(run.users.id(batch.user[i]));
      if (id == "12346" || id == "17850" || id == "13047") {
        auto& p = per_user[id];
        p.first += 1;
        p.second += batch.columns[0].values[i] * batch.columns[1].values[i];
      }
      auto invoice = run.strings.get(static_cast<uint32_t>(batch.columns[2].values[i]));
      if (!invoice.empty() && invoice[0] == 'C') ++cancellations;
    }
  }
  EXPECT_EQ(run.stats.events_read, 541909u - 135080u);
  EXPECT_EQ(run.stats.missing_user, 135080u);
  EXPECT_EQ(run.stats.skipped_bad, 0u);
  EXPECT_EQ(run.stats.unknown_events, 0u);
  EXPECT_EQ(run.stats.bad_values, 0u);
  EXPECT_EQ(run.users.size(), 4372u);
  EXPECT_EQ(run.stats.max_ts, *parse_iso8601("2011-12-09T12:50:00Z"));
  // "17850.0" in the file is the user "17850".
  EXPECT_GE(run.users.find("17850"), 0);
  EXPECT_LT(run.users.find("17850.0"), 0);
  // From python3: rows and sum(Quantity * UnitPrice) per CustomerID.
  EXPECT_EQ(per_user["12346"].first, 2);
  EXPECT_NEAR(per_user["12346"].second, 0.0, 1e-9);  // 74215 bought and returned
  EXPECT_EQ(per_user["17850"].first, 312);
  EXPECT_NEAR(per_user["17850"].second, 5288.63, 1e-6);
  EXPECT_EQ(per_user["13047"].first, 196);
  EXPECT_NEAR(per_user["13047"].second, 3079.10, 1e-6);
  EXPECT_GT(cancellations, 0);
}

TEST(RealData, Rees46) {
  std::string path = need("rees46_2019-Oct_first17k.csv");
  if (path.empty()) GTEST_SKIP() << kDataDir << "/rees46_2019-Oct_first17k.csv is absent";
  Ingest run;
  for (const char* name : {"view", "cart", "purchase"}) {
    int base = static_cast<int>(run.schema.events.size()) * 3;
    run.schema.events.push_back(ir::EventDecl{name,
                                              {prop("price", ir::Type::Number, base),
                                               prop("brand", ir::Type::String, base + 1),
                                               prop("category_code", ir::Type::String, base + 2)}});
  }
  run.schema.num_columns = 9;
  auto m = mapping({"user=user_id", "event=event_type", "time=event_time", "prop.price=price", "prop.brand=brand",
                    "prop.category_code=category_code"});
  auto reader = open_event_reader(path, m, run.ctx);
  ASSERT_TRUE(reader.ok()) << reader.error().str();

  int64_t per_type[3] = {0, 0, 0};
  int64_t null_brand = 0, null_category = 0;
  double purchases_555110488 = 0;
  int n_555110488 = 0;
  double min_ts = 1e300;
  EventBatch batch;
  for (;;) {
    auto more = (*reader)->next(batch, 4096);
    ASSERT_TRUE(more.ok()) << more.error().str();
    if (!*more) break;
    for (size_t i = 0; i < batch.size(); ++i) {
      uint16_t t = batch.type[i];
      ASSERT_LT(t, 3);
      ++per_type[t];
      int base = t * 3;
      ASSERT_TRUE(batch.columns[base].valid[i]);
      if (!batch.columns[base + 1].valid[i]) ++null_brand;
      if (!batch.columns[base + 2].valid[i]) ++null_category;
      min_ts = std::min(min_ts, batch.ts[i]);
      if (t == 2 && run.users.id(batch.user[i]) == "555110488") {
        purchases_555110488 += batch.columns[base].values[i];
        ++n_555110488;
      }
    }
  }
  EXPECT_EQ(run.stats.events_read, 17434u);
  EXPECT_EQ(per_type[0], 17055);
  EXPECT_EQ(per_type[1], 165);
  EXPECT_EQ(per_type[2], 214);
  EXPECT_EQ(run.users.size(), 4504u);
  EXPECT_EQ(null_brand, 2477);
  EXPECT_EQ(null_category, 5746);
  EXPECT_EQ(run.stats.missing_user, 0u);
  EXPECT_EQ(run.stats.bad_values, 0u);
  EXPECT_EQ(min_ts, *parse_iso8601("2019-10-01T00:00:00Z"));
  EXPECT_EQ(run.stats.max_ts, *parse_iso8601("2019-10-01T02:50:00Z"));
  // From python3: user 555110488 made 3 purchases totalling 525.62.
  EXPECT_EQ(n_555110488, 3);
  EXPECT_NEAR(purchases_555110488, 525.62, 1e-9);
}

}  // namespace
}  // namespace scorec::runtime
