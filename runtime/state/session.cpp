#include "runtime/state/session.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "ir/semantics.h"
#include "runtime/state/state_layout.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

// Rows in timestamp order, ties in batch order.
void time_order(const EventBatch& b, std::vector<uint32_t>& rows) {
  rows.resize(b.size());
  std::iota(rows.begin(), rows.end(), 0u);
  if (!std::is_sorted(b.ts.begin(), b.ts.end()))
    std::stable_sort(rows.begin(), rows.end(), [&](uint32_t x, uint32_t y) { return b.ts[x] < b.ts[y]; });
}

std::vector<uint32_t> time_order(const EventBatch& b) {
  std::vector<uint32_t> rows;
  time_order(b, rows);
  return rows;
}

// Translates one saved state's string and list ids into the run's pools.
struct IdMap {
  std::vector<uint32_t> strings, lists;
  // False when the id names nothing in the saved pools.
  bool remap(ir::Type type, double& v) const {
    const auto& map = type == ir::Type::String ? strings : lists;
    if (type != ir::Type::String && type != ir::Type::StringList) return true;
    if (!(v >= 0) || v >= static_cast<double>(map.size())) return false;
    v = map[static_cast<size_t>(v)];
    return true;
  }
};

Error malformed(const SavedState& s) {
  return Error{fmt::format("the state saved with {} is malformed (an id names nothing)", s.rules_label)};
}

}  // namespace

Status check_all_partitions(const std::vector<SavedState>& states) {
  if (states.empty()) return Ok{};
  const uint32_t n = states.front().partitions;
  for (const auto& s : states)
    if (s.partitions != n)
      return Error{"the states are not from the same partitioned run (their partition counts differ)"};
  // n is whatever the files say (up to 2^32 - 1): nothing of size n is allocated, only
  // of the number of states given.
  if (states.size() > n)
    return Error{fmt::format("{} states given, but the run was split into {} partitions; give each of them once",
                             states.size(), n)};
  std::vector<uint32_t> given;
  for (const auto& s : states) {
    if (s.partition >= n) return Error{fmt::format("a state is of partition {}/{}, which does not exist", s.partition, n)};
    given.push_back(s.partition);
  }
  std::sort(given.begin(), given.end());
  for (size_t i = 1; i < given.size(); ++i)
    if (given[i] == given[i - 1]) return Error{fmt::format("partition {}/{} is given twice", given[i], n)};
  const uint64_t count = n - given.size();  // the partitions missing
  std::string missing;
  size_t j = 0;
  uint32_t listed = 0;
  for (uint32_t k = 0; k < n && listed < 10; ++k) {
    while (j < given.size() && given[j] < k) ++j;
    if (j < given.size() && given[j] == k) continue;
    missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", k, n);
    ++listed;
  }
  if (count > 10) missing += fmt::format(" and {} more", count - 10);
  if (count > 0)
    return Error{fmt::format("the run was split into {} partitions, and the state{} of partition{} {} {} missing; "
                             "give the states of all {} (each from --partition K/{} --state-out)",
                             n, count == 1 ? "" : "s", count == 1 ? "" : "s", missing, count == 1 ? "is" : "are", n,
                             n)};
  return Ok{};
}

Session::Session(RunState& run, Engine& engine, bool keep_state)
    : run_(run), engine_(engine), keep_state_(keep_state), horizon_(retention_horizon(run.program)) {
  kept_.reset(run.program.schema.num_columns);
  recent_.reset(run.program.schema.num_columns);
}

Status Session::load(std::vector<SavedState> states) {
  if (states.empty()) return Ok{};
  const ir::Program& p = run_.program;
  const SavedState& first = states.front();
  for (const auto& s : states) {
    if (s.as_of != first.as_of)
      return Error{fmt::format("the states are not of the same as-of time ({} and {}); combine the states of one "
                               "partitioned run",
                               format_iso8601(first.as_of), format_iso8601(s.as_of))};
    if (s.partitions != first.partitions || s.generation != first.generation)
      return Error{"the states are not from the same partitioned run (their partition counts or histories differ)"};
  }
  if (states.size() > 1) {
    if (auto st = check_all_partitions(states); !st) return st;
    partition_ = 0;
    partitions_ = 1;
  } else {
    partition_ = first.partition;
    partitions_ = first.partitions;
  }

  std::vector<IdMap> ids(states.size());
  for (size_t k = 0; k < states.size(); ++k) {
    for (const auto& str : states[k].strings) ids[k].strings.push_back(run_.strings.intern(str));
    for (const auto& list : states[k].lists) {
      std::vector<uint32_t> items;
      for (uint32_t id : list) items.push_back(ids[k].strings[id]);  // checked when decoded
      ids[k].lists.push_back(run_.lists.add(std::move(items)));
    }
  }

  // Users in the order of their first appearance over all the states.
  struct Ref {
    uint64_t origin;
    uint32_t state, user;
  };
  std::vector<Ref> refs;
  for (uint32_t k = 0; k < states.size(); ++k)
    for (uint32_t u = 0; u < states[k].users.size(); ++u) refs.push_back({states[k].origins[u], k, u});
  std::stable_sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.origin < b.origin; });
  std::vector<std::vector<uint32_t>> user_map(states.size());
  for (size_t k = 0; k < states.size(); ++k) user_map[k].resize(states[k].users.size());
  for (const Ref& r : refs) {
    size_t before = run_.users.size();
    uint32_t ix = run_.users.intern(states[r.state].users[r.user]);
    if (run_.users.size() == before)
      return Error{fmt::format("user '{}' is in two of the states; partitions must not share users",
                               states[r.state].users[r.user])};
    user_map[r.state][r.user] = ix;
    run_.origins.push_back(r.origin);
  }
  run_.grow_state();
  run_.profiles.grow(run_.users.size());

  const size_t slots = run_.num_slots();
  auto col_types = p.schema.column_types();
  for (size_t k = 0; k < states.size(); ++k) {
    const SavedState& s = states[k];
    for (size_t u = 0; u < s.users.size(); ++u)
      std::copy_n(s.base.data() + u * slots, slots, run_.user_state(user_map[k][u]));
    for (size_t a = 0; a < s.profiles.size(); ++a)
      for (size_t u = 0; u < s.users.size(); ++u) {
        if (!s.profiles[a].valid[u]) continue;
        double v = s.profiles[a].values[u];
        if (!ids[k].remap(p.schema.profile[a].type, v)) return malformed(s);
        run_.profiles.set(user_map[k][u], a, v);
      }
    EventBatch kept = s.kept;
    for (auto& u : kept.user) u = user_map[k][u];
    for (size_t c = 0; c < kept.columns.size(); ++c)
      for (size_t r = 0; r < kept.size(); ++r)
        if (kept.columns[c].valid[r] && !ids[k].remap(col_types[c], kept.columns[c].values[r])) return malformed(s);
    kept_.append(kept);
  }
  if (states.size() > 1) {
    auto rows = time_order(kept_);
    EventBatch sorted;
    sorted.reset(p.schema.num_columns);
    sorted.append(kept_, rows);
    kept_ = std::move(sorted);
  }

  loaded_ = has_base_ = true;
  loaded_as_of_ = base_as_of_ = first.as_of;
  for (const auto& s : states) latest_event_ = std::max(latest_event_, s.latest_event);
  run_.generation = first.generation;
  for (double ts : kept_.ts) kept_used_before_ += ts <= loaded_as_of_;
  counts_.carried_users = run_.users.size();
  counts_.carried_events = kept_.size();
  return Ok{};
}

Status Session::begin(double as_of) {
  // Callers check their inputs; this keeps a time no engine represents out of the run
  // whatever the caller (decay and formatting convert times to integers).
  if (!time_in_range(as_of))
    return Error{fmt::format("the as-of time {} is not an instant scorec represents ({})", format_iso8601(as_of),
                             time_range_text())};
  if (loaded_ && as_of < loaded_as_of_)
    return Error{fmt::format("the as-of time {} is before the state's ({}); a state only moves forward in time",
                             format_iso8601(as_of), format_iso8601(loaded_as_of_))};
  run_.as_of = as_of;
  if (has_base_ && as_of > base_as_of_) {
    run_.grow_state();
    for (const RebaseSlot& r : rebase_slots(run_.program)) {
      double factor = ir::decay_factor(r.decay, r.param, as_of - base_as_of_);
      for (uint32_t u = 0; u < run_.users.size(); ++u) run_.user_state(u)[r.slot] *= factor;
    }
  }
  return Ok{};
}

EventBatch Session::take_kept() {
  EventBatch out = std::move(kept_);
  kept_.reset(run_.program.schema.num_columns);
  return out;
}

void Session::count_late(const EventBatch& batch) {
  if (!loaded_) return;
  for (size_t r = 0; r < batch.size(); ++r) counts_.late += batch.type[r] != kUnknownEvent && batch.ts[r] < loaded_as_of_;
}

Status Session::apply(const EventBatch& batch, bool check_order, const std::string& source) {
  run_.grow_state();
  auto rows = time_order(batch);
  if (check_order && run_.program.order_dependent) {
    last_ts_.resize(run_.users.size(), -1e300);
    for (uint32_t r : rows) {
      if (batch.type[r] == kUnknownEvent) continue;
      double& last = last_ts_[batch.user[r]];
      if (batch.ts[r] < last)
        return Error{fmt::format("the events of user '{}' are not in time order across chunks, and caps and limits "
                                 "need them in order; sort the file by time, or run without --stream",
                                 run_.users.id(batch.user[r])),
                     source, static_cast<int64_t>(batch.line[r])};
      last = batch.ts[r];
    }
  }
  if (!keep_state_) {
    engine_.update(batch, rows, run_);
    return Ok{};
  }
  // Events at or before the cut-off go into the base state now; the rest wait for the
  // snapshot in finish(). Every waiting event is newer than every applied one, so the
  // order per user stays the time order.
  const double cut = run_.as_of - horizon_;
  auto mid = std::partition_point(rows.begin(), rows.end(), [&](uint32_t r) { return batch.ts[r] <= cut; });
  engine_.update(batch, std::span<const uint32_t>(rows.data(), static_cast<size_t>(mid - rows.begin())), run_);
  std::vector<uint32_t> rest;
  for (auto it = mid; it != rows.end(); ++it)
    if (batch.type[*it] != kUnknownEvent) rest.push_back(*it);
  recent_.append(batch, rest);
  return Ok{};
}

void Session::finish() {
  if (keep_state_) {
    run_.grow_state();
    if (!base_is_current()) base_.assign(run_.state_data(), run_.state_data() + run_.users.size() * run_.num_slots());
    auto rows = time_order(recent_);
    engine_.update(recent_, rows, run_);
    EventBatch sorted;
    sorted.reset(run_.program.schema.num_columns);
    sorted.append(recent_, rows);
    recent_ = std::move(sorted);
    has_base_ = true;
    base_as_of_ = run_.as_of;
  }
  // The state's run already counted these.
  run_.stats.used -= std::min(run_.stats.used, kept_used_before_);
  kept_used_before_ = 0;
}

void Session::add(const EventBatch& batch) {
  run_.grow_state();
  // Called per event by a live scorer: scratch vectors, no allocation per call.
  auto& rows = scratch_rows_;
  time_order(batch, rows);
  const double T = run_.as_of, cut = T - horizon_;
  auto due = std::partition_point(rows.begin(), rows.end(), [&](uint32_t r) { return batch.ts[r] <= T; });
  auto old = std::partition_point(rows.begin(), due, [&](uint32_t r) { return batch.ts[r] <= cut; });
  if (old != rows.begin() && !base_is_current()) {
    // Late events older than the cut-off belong in the base snapshot too (counted once).
    EngineStats counted = run_.stats;
    run_.swap_state(base_);
    run_.grow_state();
    engine_.update(batch, std::span<const uint32_t>(rows.data(), static_cast<size_t>(old - rows.begin())), run_);
    run_.swap_state(base_);
    run_.stats = counted;
  }
  engine_.update(batch, std::span<const uint32_t>(rows.data(), static_cast<size_t>(due - rows.begin())), run_);
  auto& rest = scratch_rest_;
  rest.clear();
  for (auto it = old; it != rows.end(); ++it)
    if (batch.type[*it] != kUnknownEvent) rest.push_back(*it);
  if (!rest.empty()) recent_.append(batch, rest);
}

Status Session::advance(double as_of) {
  if (as_of < run_.as_of)
    return Error{fmt::format("the as-of time {} is before the scorer's ({}); it only moves forward",
                             format_iso8601(as_of), format_iso8601(run_.as_of))};
  if (as_of == run_.as_of) return Ok{};
  const double before = run_.as_of;
  if (!base_is_current()) run_.swap_state(base_);
  kept_ = std::move(recent_);
  recent_.reset(run_.program.schema.num_columns);
  for (double ts : kept_.ts) kept_used_before_ += ts <= before;
  if (auto st = begin(as_of); !st) return st;
  if (auto st = apply(take_kept(), false, ""); !st) return st;
  finish();
  return Ok{};
}

uint64_t Session::pending() const {
  uint64_t n = 0;
  for (double ts : recent_.ts) n += ts > run_.as_of;
  return n;
}

SavedState Session::save(uint32_t partition, uint32_t partitions, const std::string& rules_label) const {
  const ir::Program& p = run_.program;
  SavedState s;
  s.layout_hash = layout_hash(p);
  s.rules_hash = rules_hash(p);
  s.rules_label = rules_label;
  s.as_of = run_.as_of;
  s.latest_event = latest_event_;
  s.generation = run_.generation + 1;
  s.partition = partition;
  s.partitions = partitions;
  for (uint32_t i = 0; i < run_.strings.size(); ++i) s.strings.emplace_back(run_.strings.get(i));
  for (uint32_t i = 0; i < run_.lists.size(); ++i) s.lists.push_back(run_.lists.get(i));
  const size_t n = run_.users.size();
  for (uint32_t u = 0; u < n; ++u) s.users.emplace_back(run_.users.id(u));
  s.origins = run_.origins;
  // Users interned without an origin (none from the readers) go last, in index order.
  for (size_t u = s.origins.size(); u < n; ++u) s.origins.push_back(origin_key(run_.generation, kFromEvents, (1ull << 39) - 1));
  s.num_slots = p.slots.size();
  if (base_is_current()) s.base.assign(run_.state_data(), run_.state_data() + std::min(n, run_.state_users()) * s.num_slots);
  else s.base = base_;
  s.base.reserve(n * s.num_slots);
  for (size_t u = s.base.size() / std::max<size_t>(s.num_slots, 1); u < n && s.num_slots; ++u)
    for (const auto& slot : p.slots) s.base.push_back(slot.init);
  for (size_t a = 0; a < p.schema.profile.size(); ++a) {
    Column c;
    for (uint32_t u = 0; u < n; ++u) {
      bool ok = run_.profiles.valid(u, a);
      c.push(ok ? run_.profiles.value(u, a) : 0.0, ok);
    }
    s.profiles.push_back(std::move(c));
  }
  // Live additions may have arrived out of order.
  s.kept.reset(p.schema.num_columns);
  s.kept.append(recent_, time_order(recent_));
  return s;
}

}  // namespace scorec::runtime
