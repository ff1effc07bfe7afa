#include "runtime/engine/driver.h"

#include <algorithm>
#include <functional>
#include <numeric>

#include <fmt/format.h>

#include "runtime/engine/finalize.h"
#include "runtime/io/event_reader.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

void append(EventBatch& dst, const EventBatch& src) {
  dst.user.insert(dst.user.end(), src.user.begin(), src.user.end());
  dst.type.insert(dst.type.end(), src.type.begin(), src.type.end());
  dst.ts.insert(dst.ts.end(), src.ts.begin(), src.ts.end());
  dst.line.insert(dst.line.end(), src.line.begin(), src.line.end());
  if (dst.columns.size() < src.columns.size()) dst.columns.resize(src.columns.size());
  for (size_t c = 0; c < src.columns.size(); ++c) {
    dst.columns[c].values.insert(dst.columns[c].values.end(), src.columns[c].values.begin(), src.columns[c].values.end());
    dst.columns[c].valid.insert(dst.columns[c].valid.end(), src.columns[c].valid.begin(), src.columns[c].valid.end());
  }
}

// Rows in timestamp order, ties in input order.
std::vector<uint32_t> time_order(const EventBatch& b) {
  std::vector<uint32_t> rows(b.size());
  std::iota(rows.begin(), rows.end(), 0u);
  bool sorted = std::is_sorted(b.ts.begin(), b.ts.end());
  if (!sorted) std::stable_sort(rows.begin(), rows.end(), [&](uint32_t x, uint32_t y) { return b.ts[x] < b.ts[y]; });
  return rows;
}

struct Reading {
  RunState& run;
  IngestStats stats;
  IngestContext ctx;
  Reading(RunState& r, bool skip_bad)
      : run(r), ctx{r.program.schema, r.strings, r.lists, r.users, r.profiles, stats, skip_bad} {}
};

Status for_each_chunk(const RunOptions& o, Reading& rd, const std::function<Status(EventBatch&)>& fn) {
  auto reader = open_event_reader(o.events_path, o.events_mapping, rd.ctx);
  if (!reader) return reader.error();
  EventBatch batch;
  while (true) {
    auto more = (*reader)->next(batch, o.chunk_events);
    if (!more) return more.error();
    if (!*more) return Ok{};
    if (auto st = fn(batch); !st) return st;
  }
}

Status resolve_as_of(const RunOptions& o, const IngestStats& stats, RunState& run, RunSummary& summary) {
  if (o.as_of) {
    run.as_of = *o.as_of;
    return Ok{};
  }
  if (stats.events_read == 0)
    return Error{"there are no events to take the as-of time from; pass --as-of", o.events_path};
  run.as_of = stats.max_ts;
  summary.as_of_from_events = true;
  return Ok{};
}

}  // namespace

Expected<RunOutput> run_rules(const ir::Program& program, const RunOptions& o, Engine& engine) {
  RunState run(program);
  RunOutput out;
  RunSummary& summary = out.summary;

  if (o.profiles_path) {
    Reading rd(run, o.skip_bad);
    if (auto st = read_profiles(*o.profiles_path, o.profiles_mapping, rd.ctx); !st) return st.error();
    summary.profiles = rd.stats;
  }

  if (!o.stream) {
    Reading rd(run, o.skip_bad);
    EventBatch all;
    all.reset(program.schema.num_columns);
    auto st = for_each_chunk(o, rd, [&](EventBatch& b) {
      append(all, b);
      return Status(Ok{});
    });
    if (!st) return st.error();
    summary.events = rd.stats;
    if (auto s = resolve_as_of(o, rd.stats, run, summary); !s) return s.error();
    run.grow_state();
    auto rows = time_order(all);
    engine.update(all, rows, run);
  } else {
    uint64_t profiles_in_events = 0;
    if (!o.as_of && o.events_path == "-")
      return Error{"streaming standard input needs --as-of: it cannot be read twice to find the latest event"};
    if (!o.as_of) {
      // First pass: the as-of time (and identify traits) only.
      Reading first(run, o.skip_bad);
      auto st = for_each_chunk(o, first, [](EventBatch&) { return Status(Ok{}); });
      if (!st) return st.error();
      if (auto s = resolve_as_of(o, first.stats, run, summary); !s) return s.error();
      profiles_in_events = first.stats.profiles_read;
    } else {
      run.as_of = *o.as_of;
    }
    Reading rd(run, o.skip_bad);
    rd.ctx.apply_profiles = o.as_of.has_value();  // else the first pass applied them
    std::vector<double> last_ts;  // per user, only when order matters
    auto st = for_each_chunk(o, rd, [&](EventBatch& b) -> Status {
      run.grow_state();
      auto rows = time_order(b);
      if (program.order_dependent) {
        last_ts.resize(run.users.size(), -1e300);
        for (uint32_t r : rows) {
          if (b.type[r] == kUnknownEvent) continue;
          double& last = last_ts[b.user[r]];
          if (b.ts[r] < last)
            return Error{fmt::format("the events of user '{}' are not in time order across chunks, and caps and limits "
                                     "need them in order; sort the file by time, or run without --stream",
                                     run.users.id(b.user[r])),
                         o.events_path, static_cast<int64_t>(b.line[r])};
          last = b.ts[r];
        }
      }
      engine.update(b, rows, run);
      return Ok{};
    });
    if (!st) return st.error();
    summary.events = rd.stats;
    if (!o.as_of) summary.events.profiles_read = profiles_in_events;
  }

  out.table = finalize(engine, run);
  summary.engine = run.stats;
  summary.users = run.users.size();
  summary.as_of = run.as_of;
  return out;
}

std::string format_summary(const RunSummary& s, const ir::Program& program) {
  const IngestStats& e = s.events;
  std::string out = fmt::format(
      "summary: events read {}, used {}, skipped (bad lines) {}, unknown type {}, after as-of {}, without user id {}\n",
      e.events_read, s.engine.used, e.skipped_bad, e.unknown_events, s.engine.future, e.missing_user);
  out += fmt::format("summary: null weights {}, values not of the declared type {}, users {}, profiles read {}, as of {}{}\n",
                     s.engine.null_weights, e.bad_values + s.profiles.bad_values, s.users, s.profiles.profiles_read + e.profiles_read,
                     format_iso8601(s.as_of), s.as_of_from_events ? " (latest event)" : "");
  if (e.other_messages > 0)
    out += fmt::format("summary: Segment page/screen/group/alias messages skipped {}\n", e.other_messages);
  for (const auto* w : {&s.profiles.warnings, &e.warnings})
    for (const auto& text : *w) out += fmt::format("warning: {}\n", text);
  if (!e.unknown_by_name.empty()) {
    std::vector<std::pair<uint64_t, std::string>> names;
    for (const auto& [n, c] : e.unknown_by_name) names.push_back({c, n});
    std::sort(names.begin(), names.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::string list;
    for (size_t i = 0; i < names.size() && i < 5; ++i) list += fmt::format("{}'{}' ({})", i ? ", " : "", names[i].second, names[i].first);
    if (names.size() > 5) list += fmt::format(", and {} more", names.size() - 5);
    out += fmt::format("summary: unknown event types: {}\n", list);
  }
  for (size_t r = 0; r < s.engine.null_weights_by_rule.size(); ++r)
    if (s.engine.null_weights_by_rule[r] > 0)
      out += fmt::format("summary: {} null weights from rule at {} ({})\n", s.engine.null_weights_by_rule[r],
                         program.rules[r].where, program.rules[r].label);
  return out;
}

}  // namespace scorec::runtime
