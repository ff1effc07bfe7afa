#include "tests/state/split_check.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <set>

#include "runtime/partition.h"
#include "support/time.h"

namespace scorec::statetest {
namespace {

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// The options every run of a case shares: bad lines are skipped (the generator writes
// some on purpose), and the case's reading mode.
runtime::RunOptions base_options(const Case& c) {
  runtime::RunOptions o;
  o.skip_bad = true;
  o.stream = c.stream;
  o.chunk_events = c.chunk_events;
  o.rules_label = "state.score";
  return o;
}

std::string as_of_text(std::optional<double> t) {
  return t ? format_iso8601(*t) + " (" + num_text(*t) + ")" : std::string("the latest event");
}

// The first number cell that differs in its bits, for a table equal within 1e-9.
std::string first_bit_difference(const runtime::ResultTable& want, const runtime::ResultTable& got) {
  for (size_t c = 0; c < want.columns.size(); ++c) {
    const auto& x = want.columns[c];
    const auto& y = got.columns[c];
    if (x.kind == runtime::ColumnKind::Text) continue;
    for (size_t r = 0; r < want.rows(); ++r)
      if (x.valid[r] && std::bit_cast<uint64_t>(x.numbers[r]) != std::bit_cast<uint64_t>(y.numbers[r]))
        return "user " + want.user_ids[r] + ", " + x.name + ": expected " + num_text(x.numbers[r]) + ", got " +
               num_text(y.numbers[r]);
  }
  return "";
}

// Compares a result with the single run's: within 1e-9, or bit for bit when `exact`.
void compare(Check& out, const std::string& what, const runtime::ResultTable& want, const runtime::ResultTable& got,
             bool exact) {
  TableDiff d = compare_tables(want, got);
  if (!(exact ? d.identical : d.equal)) {
    std::string text = what + (exact ? " is not bit-identical to" : " differs from") + " the single run:";
    for (const auto& x : d.diffs) text += "\n    " + x;
    if (d.equal) text += "\n    " + first_bit_difference(want, got);
    out.problems.push_back(text);
  }
  out.diffs.push_back(std::move(d));
}

}  // namespace

Case make_split_case(const Case& c, const ir::Program& program, difftest::Rng& rng, int parts, bool late) {
  auto lines = classify(c.events, program);
  std::vector<std::string> identify;
  std::vector<EventLine> rest;
  for (auto& l : lines) {
    if (l.identify)
      identify.push_back(l.text);
    else
      rest.push_back(std::move(l));
  }
  // Lines without a usable time (skipped as bad) sort first; they change nothing.
  std::stable_sort(rest.begin(), rest.end(), [](const EventLine& a, const EventLine& b) {
    return a.ts.value_or(-std::numeric_limits<double>::infinity()) <
           b.ts.value_or(-std::numeric_limits<double>::infinity());
  });
  // Cut points, 0 and "all" included and a little more likely than the rest: an empty
  // first or last part is an edge the CLI meets (a state with no events; nothing new).
  const size_t n = rest.size();
  std::vector<size_t> cuts;
  for (int i = 1; i < parts; ++i) {
    uint64_t roll = rng.range(0, 9);
    cuts.push_back(roll == 0 ? 0 : roll == 1 ? n : static_cast<size_t>(rng.range(0, static_cast<int64_t>(n))));
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(n);

  std::vector<std::vector<std::string>> out(static_cast<size_t>(parts));
  out[0] = identify;
  size_t at = 0;
  for (size_t p = 0; p < cuts.size(); ++p)
    for (; at < cuts[p]; ++at) out[p].push_back(rest[at].text);

  if (late && parts >= 2) {
    // Move some of the first part's events into the second: the state's as-of time is
    // then the latest of what stays, and a moved event older than that is late.
    std::vector<std::string> keep = identify;
    std::vector<std::string> moved;
    for (size_t i = 0; i < cuts[0]; ++i) {
      if (rest[i].counted && rng.range(0, 2) == 0)
        moved.push_back(rest[i].text);
      else
        keep.push_back(rest[i].text);
    }
    out[0] = std::move(keep);
    for (auto& m : moved) {
      auto& b = out[1];
      b.insert(b.begin() + static_cast<long>(rng.index(b.size() + 1)), std::move(m));
    }
  }

  Case s = c;
  s.events.clear();
  for (size_t p = 0; p < out.size(); ++p) {
    if (p > 0) s.events.push_back(kSplit);
    s.events.insert(s.events.end(), out[p].begin(), out[p].end());
  }
  return s;
}

std::vector<std::vector<std::string>> split_parts(const Case& c) {
  std::vector<std::vector<std::string>> parts(1);
  for (const auto& l : c.events) {
    if (l == kSplit)
      parts.emplace_back();
    else
      parts.back().push_back(l);
  }
  return parts;
}

Check check_chain(const Case& c, const ir::Program& program, runtime::Engine& engine, const std::string& dir) {
  Check out;
  const auto parts = split_parts(c);
  const size_t m = parts.size();

  // The single run over everything: the parts in order, as one file.
  std::vector<std::string> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  runtime::RunOptions ro = base_options(c);
  ro.events_path = dir + "/all.ndjson";
  write_file(ro.events_path, join(all));
  if (!c.profiles.empty()) {
    ro.profiles_path = dir + "/profiles.csv";
    write_file(*ro.profiles_path, c.profiles_text());
  }
  ro.as_of = c.as_of;
  Outcome ref = run(program, ro, engine);
  if (!ref.ok) {
    out.skipped = true;
    out.skip_reason = ref.error;
    return out;
  }
  const double ref_as_of = ref.summary.as_of;

  // The as-of time of each step but the last: the latest event so far (the CLI's
  // default), or the first event to come when there is none yet; never after the single
  // run's as-of time.
  std::vector<std::vector<EventLine>> info;
  for (const auto& p : parts) info.push_back(classify(p, program));
  std::vector<double> step_as_of(m, ref_as_of);
  double latest = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i + 1 < m; ++i) {
    for (const auto& l : info[i])
      if (l.ts) latest = std::max(latest, *l.ts);
    double t = latest;
    if (!std::isfinite(t)) {
      t = ref_as_of;
      for (size_t j = i + 1; j < m; ++j)
        for (const auto& l : info[j])
          if (l.ts) t = std::min(t, *l.ts);
    }
    step_as_of[i] = std::min(t, ref_as_of);
  }

  std::string prev_state;
  std::vector<std::string> prefix;
  for (size_t i = 0; i < m; ++i) {
    const bool last = i + 1 == m;
    const std::string step = "step " + std::to_string(i + 1) + "/" + std::to_string(m);
    runtime::RunOptions o = base_options(c);
    o.events_path = dir + "/part" + std::to_string(i) + ".ndjson";
    write_file(o.events_path, join(parts[i]));
    if (i == 0) o.profiles_path = ro.profiles_path;
    o.as_of = last ? c.as_of : std::optional<double>(step_as_of[i]);
    if (i > 0) o.state_in = prev_state;
    if (!last) o.state_out = dir + "/state" + std::to_string(i) + ".bin";
    Outcome got = run(program, o, engine);
    if (!got.ok) {
      out.problems.push_back(step + " failed: " + got.error);
      return out;
    }
    if (got.summary.as_of != step_as_of[i])
      out.problems.push_back(step + ": as of " + as_of_text(got.summary.as_of) + ", expected " +
                             as_of_text(step_as_of[i]));
    if (i > 0) {
      uint64_t want_late = 0;
      for (const auto& l : info[i]) want_late += l.counted && *l.ts < step_as_of[i - 1];
      out.late += got.summary.state.late;
      if (got.summary.state.late != want_late)
        out.problems.push_back(step + ": " + std::to_string(got.summary.state.late) +
                               " late events counted, expected " + std::to_string(want_late));
    }
    prefix.insert(prefix.end(), parts[i].begin(), parts[i].end());
    if (last) {
      compare(out, step + " (the chain's result)", ref.table, got.table, false);
    } else {
      // One run over the events so far, at this step's as-of time.
      runtime::RunOptions po = ro;
      po.events_path = dir + "/prefix.ndjson";
      write_file(po.events_path, join(prefix));
      po.as_of = step_as_of[i];
      Outcome want = run(program, po, engine);
      if (!want.ok) {
        out.problems.push_back(step + ": the single run over the events so far failed: " + want.error);
        return out;
      }
      compare(out, step, want.table, got.table, false);
      prev_state = *o.state_out;
    }
  }
  return out;
}

Check check_partitions(const Case& c, const ir::Program& program, runtime::Engine& engine, uint32_t n,
                       difftest::Rng& rng, const std::string& dir) {
  Check out;
  runtime::RunOptions o = base_options(c);
  o.events_path = dir + "/events.ndjson";
  write_file(o.events_path, c.events_text());
  if (!c.profiles.empty()) {
    o.profiles_path = dir + "/profiles.csv";
    write_file(*o.profiles_path, c.profiles_text());
  }
  o.as_of = c.as_of;
  Outcome ref = run(program, o, engine);
  if (!ref.ok) {
    out.skipped = true;
    out.skip_reason = ref.error;
    return out;
  }

  std::vector<std::string> states;
  std::set<std::string> seen;
  const std::string of_n = "/" + std::to_string(n);
  for (uint32_t k = 0; k < n; ++k) {
    runtime::RunOptions po = o;
    po.partition = {k, n};
    po.state_out = dir + "/part" + std::to_string(k) + ".bin";
    Outcome part = run(program, po, engine);
    if (!part.ok) {
      out.problems.push_back("partition " + std::to_string(k) + of_n + " failed: " + part.error);
      return out;
    }
    if (part.summary.as_of != ref.summary.as_of)
      out.problems.push_back("partition " + std::to_string(k) + of_n + " is as of " + as_of_text(part.summary.as_of) +
                             ", the single run as of " + as_of_text(ref.summary.as_of));
    for (const auto& u : part.table.user_ids) {
      if (runtime::partition_of(u, n) != k)
        out.problems.push_back("partition " + std::to_string(k) + of_n + " scored user " + u + " of partition " +
                               std::to_string(runtime::partition_of(u, n)));
      seen.insert(u);
    }
    states.push_back(*po.state_out);
  }
  if (seen != std::set<std::string>(ref.table.user_ids.begin(), ref.table.user_ids.end()))
    out.problems.push_back("the partitions together scored other users than the single run");

  Outcome all = combine(program, states, engine);
  if (!all.ok) {
    out.problems.push_back("finalize of the " + std::to_string(n) + " states failed: " + all.error);
    return out;
  }
  compare(out, "finalize of " + std::to_string(n) + " partitions", ref.table, all.table, true);

  // The same states in another order: the result must not depend on it.
  std::vector<std::string> shuffled = states;
  for (size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rng.index(i)]);
  if (n > 1 && shuffled == states) std::reverse(shuffled.begin(), shuffled.end());
  Outcome mixed = combine(program, shuffled, engine);
  if (!mixed.ok) {
    out.problems.push_back("finalize of the shuffled states failed: " + mixed.error);
    return out;
  }
  compare(out, "finalize of " + std::to_string(n) + " partitions in shuffled order", ref.table, mixed.table, true);
  return out;
}

Check check_partitioned_chain(const Case& c, const ir::Program& program, runtime::Engine& engine, uint32_t n,
                              const std::string& dir) {
  Check out;
  const auto parts = split_parts(c);
  std::vector<std::string> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  runtime::RunOptions ro = base_options(c);
  ro.events_path = dir + "/all.ndjson";
  write_file(ro.events_path, join(all));
  if (!c.profiles.empty()) {
    ro.profiles_path = dir + "/profiles.csv";
    write_file(*ro.profiles_path, c.profiles_text());
  }
  ro.as_of = c.as_of;
  Outcome ref = run(program, ro, engine);
  if (!ref.ok) {
    out.skipped = true;
    out.skip_reason = ref.error;
    return out;
  }
  // The first part's as-of time: its latest event (or the single run's as-of time).
  double t_a = ref.summary.as_of;
  {
    double latest = -std::numeric_limits<double>::infinity();
    for (const auto& l : classify(parts[0], program))
      if (l.ts) latest = std::max(latest, *l.ts);
    if (std::isfinite(latest)) t_a = std::min(t_a, latest);
  }
  const std::string a_path = dir + "/a.ndjson", b_path = dir + "/b.ndjson";
  write_file(a_path, join(parts[0]));
  write_file(b_path, join(parts.size() > 1 ? parts[1] : std::vector<std::string>{}));

  std::vector<std::string> a_states, b_states;
  for (uint32_t k = 0; k < n; ++k) {
    const std::string tag = std::to_string(k) + "/" + std::to_string(n);
    runtime::RunOptions a = base_options(c);
    a.events_path = a_path;
    a.profiles_path = ro.profiles_path;
    a.as_of = t_a;
    a.partition = {k, n};
    a.state_out = dir + "/a" + std::to_string(k) + ".bin";
    Outcome ra = run(program, a, engine);
    if (!ra.ok) {
      out.problems.push_back("partition " + tag + " of the first part failed: " + ra.error);
      return out;
    }
    runtime::RunOptions b = base_options(c);
    b.events_path = b_path;
    b.as_of = c.as_of;
    b.partition = {k, n};
    b.state_in = a.state_out;
    b.state_out = dir + "/b" + std::to_string(k) + ".bin";
    Outcome rb = run(program, b, engine);
    if (!rb.ok) {
      out.problems.push_back("partition " + tag + " continued with the second part failed: " + rb.error);
      return out;
    }
    a_states.push_back(*a.state_out);
    b_states.push_back(*b.state_out);
  }
  Outcome fin = combine(program, b_states, engine);
  if (!fin.ok) {
    out.problems.push_back("finalize of the continued partitions failed: " + fin.error);
    return out;
  }
  compare(out, "partitions continued, then finalized,", ref.table, fin.table, false);

  // `scorec finalize -o`'s state: one state again, continued like any other.
  const std::string combined = dir + "/combined.bin";
  Outcome fa = combine(program, a_states, engine, combined);
  if (!fa.ok) {
    out.problems.push_back("finalize of the first part's partitions failed: " + fa.error);
    return out;
  }
  runtime::RunOptions b = base_options(c);
  b.events_path = b_path;
  b.as_of = c.as_of;
  b.state_in = combined;
  Outcome rb = run(program, b, engine);
  if (!rb.ok) {
    out.problems.push_back("the combined state continued with the second part failed: " + rb.error);
    return out;
  }
  compare(out, "the combined state continued", ref.table, rb.table, false);
  return out;
}

std::string describe(const Case& c) {
  std::string out = "---- rules ----\n" + c.rules_text();
  auto parts = split_parts(c);
  for (size_t i = 0; i < parts.size(); ++i)
    out += "---- events, part " + std::to_string(i + 1) + " of " + std::to_string(parts.size()) + " ----\n" +
           join(parts[i]);
  out += "---- profiles ----\n" + c.profiles_text();
  out += "---- as of: " + as_of_text(c.as_of);
  if (c.stream) out += ", streamed in chunks of " + std::to_string(c.chunk_events);
  return out + "\n";
}

}  // namespace scorec::statetest
