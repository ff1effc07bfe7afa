// Shared fixtures for the reader tests: a small schema, a temp folder, and a helper
// that reads a whole file into plain rows.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/io/event_reader.h"

namespace scorec::runtime::testing {

// page_view(url string, duration duration), purchase(amount number, tags list<string>,
// paid_at timestamp, gift bool), email_open(); profile plan string, age number,
// vip bool, signup timestamp.
enum Col { kUrl, kDuration, kAmount, kTags, kPaidAt, kGift, kNumCols };
enum Ev { kPageView, kPurchase, kEmailOpen };
enum Attr { kPlan, kAge, kVip, kSignup };

inline ir::Schema test_schema() {
  ir::Schema s;
  s.events.push_back({"page_view", {{"url", ir::Type::String, kUrl}, {"duration", ir::Type::Duration, kDuration}}});
  s.events.push_back({"purchase",
                      {{"amount", ir::Type::Number, kAmount},
                       {"tags", ir::Type::StringList, kTags},
                       {"paid_at", ir::Type::Timestamp, kPaidAt},
                       {"gift", ir::Type::Bool, kGift}}});
  s.events.push_back({"email_open", {}});
  s.profile = {{"plan", ir::Type::String}, {"age", ir::Type::Number}, {"vip", ir::Type::Bool},
               {"signup", ir::Type::Timestamp}};
  s.num_columns = kNumCols;
  return s;
}

struct Ingest {
  ir::Schema schema = test_schema();
  StringPool strings;
  ListPool lists;
  UserIndex users;
  ProfileTable profiles{4};
  IngestStats stats;
  IngestContext ctx{schema, strings, lists, users, profiles, stats};

  std::string str(double id) const { return std::string(strings.get(static_cast<uint32_t>(id))); }
  std::vector<std::string> list(double id) const {
    std::vector<std::string> out;
    for (uint32_t s : lists.get(static_cast<uint32_t>(id))) out.emplace_back(strings.get(s));
    return out;
  }
  // A profile attribute of a user, nullopt when null or the user is unknown.
  std::optional<double> attr(const std::string& user, int a) const {
    int64_t u = users.find(user);
    if (u < 0 || !profiles.valid(static_cast<uint32_t>(u), static_cast<size_t>(a))) return std::nullopt;
    return profiles.value(static_cast<uint32_t>(u), static_cast<size_t>(a));
  }
};

struct Row {
  std::string user;
  int type;
  double ts;
  uint64_t line;
  std::vector<std::optional<double>> cols;
  bool operator==(const Row&) const = default;
};

inline Expected<std::vector<Row>> read_all(const std::string& path, const FieldMapping& m, Ingest& in,
                                           size_t max_events = 1000, size_t block_size = 0) {
  ReaderOptions opt;
  if (block_size) opt.block_size = block_size;
  auto reader = open_event_reader(path, m, in.ctx, opt);
  if (!reader) return reader.error();
  std::vector<Row> rows;
  EventBatch batch;
  for (;;) {
    auto more = (*reader)->next(batch, max_events);
    if (!more) return more.error();
    if (!*more) break;
    if (batch.size() > max_events) return Error{"batch larger than max_events", path};
    for (size_t i = 0; i < batch.size(); ++i) {
      Row r{std::string(in.users.id(batch.user[i])), batch.type[i] == kUnknownEvent ? -1 : batch.type[i], batch.ts[i],
            batch.line[i], {}};
      for (const auto& c : batch.columns)
        r.cols.push_back(c.valid[i] ? std::optional<double>(c.values[i]) : std::nullopt);
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

inline FieldMapping mapping(std::initializer_list<const char*> options) {
  FieldMapping m;
  for (const char* o : options) {
    auto st = m.apply_option(o);
    EXPECT_TRUE(st.ok()) << o << ": " << (st.ok() ? "" : st.error().str());
  }
  return m;
}

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("scorec_io_") + info->test_suite_name() + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  std::string write_gz(const std::string& name, const std::string& content) const {
    std::string p = (dir_ / name).string();
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
    return p;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace scorec::runtime::testing
