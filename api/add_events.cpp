// Scorer::add_events: the columnar batch, the fast way in (issue 12; W1 figures in
// docs/embedding.md).
//
// The work per row is kept to what a row needs: the batch is checked first (nothing
// is added when any row is refused), each event type name is resolved once per
// distinct name, the user ids of a chunk of rows are looked up together (their cache
// misses overlap; integer keys are one array read each), and the engine's batch is a
// scratch reused from call to call. The semantics are those of add_event per row:
// every row is counted, users are numbered in row order, rows apply in time order
// (ties in row order).
#include <cstring>

#include "api/scorer_impl.h"

namespace scorec {
namespace {

using detail::ScorerImpl;
using detail::UserKeys;

// Event type names, each resolved by text once per call: a direct-mapped cache keyed
// by the name's address and length in front of the schema's lookup. Within one call
// the caller's text does not change, so an equal address and length is the same name;
// rows that pass each name from its own buffer fall back to the lookup by text.
class TypeCache {
 public:
  explicit TypeCache(const ir::Schema& schema) : schema_(schema) {}
  int type(std::string_view name) {
    Entry& e = entries_[slot(name)];
    if (e.data == name.data() && e.size == name.size() && e.data) return e.type;
    int t = schema_.find_event(name);
    e = {name.data(), name.size(), t};
    return t;
  }

 private:
  struct Entry {
    const char* data = nullptr;
    size_t size = 0;
    int type = -1;
  };
  static size_t slot(std::string_view s) {
    uint64_t h = (reinterpret_cast<uintptr_t>(s.data()) ^ (s.size() << 48)) * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 56);
  }
  const ir::Schema& schema_;
  Entry entries_[256];
};

// Each row's user index into `out` (UserKeys::kOtherPartition: a user of another
// partition, counted), new users numbered in row order. Known users are looked up for
// the whole batch at once (their cache misses overlap); a row whose id is the previous
// row's reuses its answer; then, in row order, the ids not found are interned (their
// partition checked), a new id repeated later in the batch found again by intern.
void resolve_ids(ScorerImpl& s, std::span<const std::string_view> ids, uint32_t* out) {
  s.run.users.find_many(ids, out);
  for (size_t r = 0; r < ids.size(); ++r) {
    if (out[r] != runtime::UserIndex::kNone) [[likely]]
      continue;
    if (r > 0 && ids[r] == ids[r - 1]) {
      if ((out[r] = out[r - 1]) == UserKeys::kOtherPartition) ++s.ingest.other_partition;
      continue;
    }
    auto u = s.user(ids[r]);
    out[r] = u ? *u : UserKeys::kOtherPartition;
  }
}

// The same for integer keys, every key already checked against the limit.
void resolve_keys(ScorerImpl& s, std::span<const uint32_t> keys, uint32_t max_key, uint32_t* out) {
  uint32_t* table = s.keys.table(max_key);
  constexpr size_t kAhead = 64;  // the table misses the cache at a million keys
  for (size_t r = 0; r < keys.size(); ++r) {
    if (r + kAhead < keys.size()) __builtin_prefetch(&table[keys[r + kAhead]]);
    uint32_t k = keys[r];
    uint32_t ix = table[k];
    if (ix >= UserKeys::kOtherPartition) [[unlikely]] {
      if (ix == UserKeys::kUnseen) {
        auto u = s.user(UserKeys::id(k));
        ix = table[k] = u ? *u : UserKeys::kOtherPartition;
      } else {
        ++s.ingest.other_partition;
      }
    }
    out[r] = ix;
  }
}

}  // namespace

Status Scorer::add_events(const EventColumns& in) {
  auto& s = *impl_;
  const size_t n = in.size;
  const bool by_key = !in.user_keys.empty();
  if (by_key && !in.users.empty())
    return Error{"the batch gives both user ids and user keys; give one of the two (EventColumns::users or "
                 "EventColumns::user_keys)"};
  const size_t user_rows = by_key ? in.user_keys.size() : in.users.size();
  if (user_rows != n || in.types.size() != n || in.ts.size() != n)
    return Error{fmt::format("the batch has {} rows, but {} {}, {} types and {} timestamps", n, user_rows,
                             by_key ? "user keys" : "users", in.types.size(), in.ts.size())};
  const auto& schema = s.program.schema;
  // For each batch column and event type, the property it fills (null: none).
  std::vector<std::vector<const ir::PropDecl*>> target(in.columns.size(),
                                                      std::vector<const ir::PropDecl*>(schema.events.size()));
  for (size_t c = 0; c < in.columns.size(); ++c) {
    const auto& col = in.columns[c];
    if ((col.numbers.size() != n && col.texts.size() != n) || (!col.valid.empty() && col.valid.size() != n))
      return Error{fmt::format("batch column '{}' does not have {} rows", col.name, n)};
    bool declared = false;
    for (size_t e = 0; e < schema.events.size(); ++e)
      if ((target[c][e] = schema.events[e].find_prop(col.name))) declared = true;
    if (!declared) return Error{fmt::format("no event type of the rules declares a property '{}'", col.name)};
  }
  // One pass over the times (and keys), branch-free, before anything is added.
  int times_ok = 1;
  for (size_t r = 0; r < n; ++r)
    times_ok &= static_cast<int>(in.ts[r] >= kMinTime) & static_cast<int>(in.ts[r] < kEndTime);
  if (!times_ok) {
    size_t r = static_cast<size_t>(std::find_if(in.ts.begin(), in.ts.end(), [](double t) { return !time_in_range(t); }) -
                                   in.ts.begin());
    return Error{fmt::format("batch row {}: {}", r, detail::check_time(in.ts[r], "the timestamp").error().message)};
  }
  uint32_t max_key = 0;
  if (by_key) {
    if (s.keys.limit() == 0)
      return Error{"this scorer takes no integer user keys: create it with ScorerOptions::user_key_limit = N to "
                   "give keys 0 to N-1"};
    for (uint32_t k : in.user_keys) max_key = std::max(max_key, k);
    if (max_key >= s.keys.limit()) {
      size_t r = static_cast<size_t>(std::find_if(in.user_keys.begin(), in.user_keys.end(),
                                                  [&](uint32_t k) { return k >= s.keys.limit(); }) -
                                     in.user_keys.begin());
      return Error{fmt::format("batch row {}: user key {} is not below the scorer's user_key_limit {}", r,
                               in.user_keys[r], s.keys.limit())};
    }
  }

  auto& b = s.batch;
  b.columns.resize(static_cast<size_t>(schema.num_columns));
  TypeCache types(schema);
  const size_t columns = in.columns.size();
  const uint64_t first = s.events;
  constexpr size_t kChunk = 4096;  // rows whose users and text stay in the first-level caches
  auto& users = s.scratch_users;
  users.resize(kChunk);
  double latest = runtime::kNoEventTime;
  size_t m = 0;  // rows in b
  // The engine's batch is a scratch: in the steady state resizing it to the same size
  // writes nothing. Property columns start null.
  b.user.resize(n);
  b.type.resize(n);
  b.ts.resize(n);
  b.line.resize(n);
  for (auto& c : b.columns) {
    c.values.assign(n, 0.0);
    c.valid.assign(n, 0);
  }
  for (size_t from = 0; from < n; from += kChunk) {
    const size_t len = std::min(kChunk, n - from);
    // The chunk's users first, in row order (so new users are numbered as add_event
    // numbers them; rows of unknown types count too: they make their user part of the
    // population), then its rows.
    if (by_key) resolve_keys(s, in.user_keys.subspan(from, len), max_key, users.data());
    else resolve_ids(s, in.users.subspan(from, len), users.data());
    for (size_t r = from; r < from + len; ++r) {
      uint32_t u = users[r - from];
      if (u == UserKeys::kOtherPartition) continue;
      int t = types.type(in.types[r]);
      if (t < 0) {
        ++s.unknown;
        continue;
      }
      b.user[m] = u;
      b.type[m] = static_cast<uint16_t>(t);
      b.ts[m] = in.ts[r];
      b.line[m] = first + r + 1;
      latest = std::max(latest, in.ts[r]);
      for (size_t c = 0; c < columns; ++c) {
        const ir::PropDecl* prop = target[c][static_cast<size_t>(t)];
        const auto& src = in.columns[c];
        if (!prop || (!src.valid.empty() && !src.valid[r])) continue;
        double v;
        s.conv.at("", first + r + 1, src.name);
        bool ok = src.texts.size() == n ? s.conv.from_json_string(src.texts[r], prop->type, v)
                                        : !std::isnan(src.numbers[r]) && s.convert_number(src.numbers[r], prop->type, v);
        if (ok) {
          b.columns[static_cast<size_t>(prop->column)].values[m] = v;
          b.columns[static_cast<size_t>(prop->column)].valid[m] = 1;
        }
      }
      ++m;
    }
  }
  b.user.resize(m);
  b.type.resize(m);
  b.ts.resize(m);
  b.line.resize(m);
  for (auto& c : b.columns) {
    c.values.resize(m);
    c.valid.resize(m);
  }
  // Applied whole, in time order (the session sorts a batch that is not; a batch that
  // is costs one pass to see it).
  s.session.count_late(b);
  s.session.add(b);
  s.events += n;
  if (latest != runtime::kNoEventTime) s.session.note_latest(latest);
  s.changed();
  return Ok{};
}

}  // namespace scorec
