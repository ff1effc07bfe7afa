#include "runtime/engine/driver.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "runtime/engine/finalize.h"
#include "runtime/engine/run_accounting.h"
#include "runtime/engine/sharded_run.h"
#include "runtime/io/event_reader.h"
#include "runtime/io/input_findings.h"
#include "runtime/io/input_stream.h"
#include "runtime/io/read_progress.h"
#include "runtime/state/identity_merge.h"
#include "runtime/state/state_file.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

struct Reading {
  RunState& run;
  IngestStats stats;
  IngestContext ctx;
  Reading(RunState& r, const RunOptions& o, OriginSource source, const IdentityMap* identities)
      : run(r), ctx{r.program.schema, r.strings, r.lists, r.users, r.profiles, stats, o.skip_bad} {
    ctx.partition = o.partition;
    ctx.keep_duplicates = o.keep_duplicates;
    ctx.origins = &r.origins;
    ctx.origin = origin_key(r.generation, source, 0);
    ctx.identities = identities;
  }
};

Status for_each_chunk(const RunOptions& o, Reading& rd, const std::function<Status(EventBatch&)>& fn) {
  auto reader = open_event_reader(o.events_path, o.events_mapping, rd.ctx);
  if (!reader) return reader.error();
  EventBatch batch;
  while (true) {
    auto more = (*reader)->next(batch, o.chunk_events);
    if (!more) return more.error();
    if (!*more) return Ok{};
    read_progress().add_events(batch.size());
    if (auto st = fn(batch); !st) return st;
  }
}

// The as-of time: given, or the latest event of the input and of the state.
Status resolve_as_of(const RunOptions& o, const IngestStats& stats, Session& session, RunSummary& summary) {
  double as_of;
  if (o.as_of) {
    as_of = *o.as_of;
  } else {
    if (stats.events_read == 0 && !session.loaded())
      return Error{"there are no events to take the as-of time from; pass --as-of", o.events_path};
    as_of = std::max(stats.max_ts, session.latest_event());
    summary.as_of_from_events = true;
  }
  return session.begin(as_of);
}

// The state to continue from, checked against the run's partition.
Expected<SavedState> read_state(const ir::Program& program, const RunOptions& o, RunSummary& summary) {
  auto state = read_state_file(*o.state_in, program);
  if (!state) return state.error();
  if (state->partition != o.partition.k || state->partitions != o.partition.n)
    return Error{fmt::format("the state is of partition {}/{}, but this run is of partition {}/{}; continue each "
                             "partition from its own state",
                             state->partition, state->partitions, o.partition.k, o.partition.n),
                 *o.state_in};
  summary.state_in = o.state_in;
  summary.state_as_of = state->as_of;
  return state;
}

Status save_state(const Session& session, const IdentityMap& identities, const std::string& path, Partition partition,
                  const std::string& label) {
  SavedState state = session.save(partition.k, partition.n, label);
  state.identity_links = identities.links();
  return write_state_file(path, state);
}

// One read of the input (run_rules reads it again when identity links call for it).
Expected<RunOutput> run_single(const ir::Program& program, const RunOptions& o, Engine& engine, IdentityReads& links) {
  RunState run(program);
  Session session(run, engine, o.state_out.has_value());
  RunOutput out;
  RunSummary& summary = out.summary;
  summary.partition = o.partition;
  // The state's links come first (earlier input), then the links of this input found
  // by a previous read; the state's users are merged as they say.
  IdentityMap identities;
  std::optional<SavedState> state;
  if (o.state_in) {
    auto read = read_state(program, o, summary);
    if (!read) return read.error();
    state = std::move(*read);
    apply_links(identities, state->identity_links);
  }
  summary.identity = apply_links(identities, links.known);
  const IdentityMap* resolve = o.identity_merge ? &identities : nullptr;
  if (state) {
    if (resolve)
      if (auto st = merge_linked_users(*state, identities, program, *o.state_in); !st) return st.error();
    std::vector<SavedState> states;
    states.push_back(std::move(*state));
    if (auto st = session.load(std::move(states)); !st) return st.error();
  }

  if (o.profiles_path) {
    Reading rd(run, o, kFromProfiles, resolve);
    if (auto st = read_profiles(*o.profiles_path, o.profiles_mapping, rd.ctx); !st) return st.error();
    summary.profiles = rd.stats;
  }

  if (!o.stream) {
    Reading rd(run, o, kFromEvents, resolve);
    if (resolve) rd.ctx.found_links = &links.found;
    // The state's kept events come first: they are the earlier input.
    EventBatch all = session.take_kept();
    auto st = for_each_chunk(o, rd, [&](EventBatch& b) {
      session.count_late(b);
      all.append(b);
      return Status(Ok{});
    });
    if (!st) return st.error();
    summary.events = rd.stats;
    if (auto s = resolve_as_of(o, rd.stats, session, summary); !s) return s.error();
    if (auto s = session.apply(all, false, o.events_path); !s) return s.error();
  } else {
    uint64_t profiles_in_events = 0;
    // The first pass finds the as-of time and applies the `identify` traits, so every
    // event is scored with the final traits, as in memory, whatever the chunk size. With
    // --as-of it is needed only when the rules read profile attributes. A pipe or a FIFO
    // cannot be read twice (a second read would give nothing, scoring everyone 0, or
    // wait forever for a writer): without --as-of that is refused.
    const bool identify_pass = !program.schema.profile.empty();
    const bool rereadable = can_read_twice(o.events_path);
    if (!o.as_of && !rereadable)
      return Error{"--stream reads the events twice (first for the as-of time), but this input (standard input, "
                   "a pipe or a FIFO) cannot be read twice; write it to a file, drop --stream, or pass --as-of",
                   o.events_path == "-" ? std::string("<stdin>") : o.events_path};
    const bool first_pass = (!o.as_of || identify_pass) && rereadable;
    if (first_pass) {
      Reading first(run, o, kFromEvents, resolve);
      auto st = for_each_chunk(o, first, [](EventBatch&) { return Status(Ok{}); });
      if (!st) return st.error();
      if (auto s = resolve_as_of(o, first.stats, session, summary); !s) return s.error();
      profiles_in_events = first.stats.profiles_read;
    } else if (auto s = resolve_as_of(o, {}, session, summary); !s) {
      return s.error();
    }
    if (auto s = session.apply(session.take_kept(), true, o.state_in.value_or("")); !s) return s.error();
    Reading rd(run, o, kFromEvents, resolve);
    if (resolve) rd.ctx.found_links = &links.found;
    rd.ctx.apply_profiles = !first_pass;
    // Standard input is read once: traits met after a chunk was scored would come too
    // late for the events before them.
    bool scored = false;
    uint64_t traits_seen = 0;
    auto late_traits = [&]() -> Status {
      if (!first_pass && identify_pass && scored && rd.stats.profiles_read > traits_seen)
        return Error{"an `identify` message in a streamed input read once (standard input, a pipe or a FIFO) follows "
                     "events already scored, which would "
                     "then depend on --chunk-events; put identify messages first, pass them with --profiles, or "
                     "stream a file (read twice)",
                     o.events_path};
      return Ok{};
    };
    auto st = for_each_chunk(o, rd, [&](EventBatch& b) -> Status {
      if (auto late = late_traits(); !late) return late;
      traits_seen = rd.stats.profiles_read;
      scored = true;
      session.count_late(b);
      return session.apply(b, true, o.events_path);
    });
    if (!st) return st.error();
    if (auto late = late_traits(); !late) return late.error();  // after the last chunk
    summary.events = rd.stats;
    if (first_pass) summary.events.profiles_read = profiles_in_events;
  }
  summary.events_from_file = true;
  if (note_found_links(identities, links, summary)) return out;
  session.note_latest(summary.events.max_ts);
  session.finish();

  out.table = finalize(engine, run);
  add_profile_columns(out.table, run, o.keep_attrs);
  summary.engine = run.stats;
  summary.users = run.users.size();
  summary.as_of = run.as_of;
  summary.state = session.counts();
  if (o.state_out)
    if (auto st = save_state(session, identities, *o.state_out, o.partition, o.rules_label); !st) return st.error();
  return out;
}

}  // namespace

bool note_found_links(IdentityMap& identities, IdentityReads& links, RunSummary& summary) {
  IdentityCounts found = apply_links(identities, links.found);
  summary.identity.merged += found.merged;
  summary.identity.conflicts = found.conflicts;
  links.read_again = found.merged > 0;
  return links.read_again;
}

Expected<RunOutput> run_rules(const ir::Program& program, const RunOptions& o, Engine& engine) {
  auto read = [&](IdentityReads& links) {
    return can_shard(o) ? run_sharded(program, o, engine, links) : run_single(program, o, engine, links);
  };
  IdentityReads links;
  auto out = read(links);
  if (!out || !links.read_again) return out;
  // The input links ids that this read met apart: read it again knowing the links from
  // the start, so every id is its person's from its first line on.
  if (!can_read_twice(o.events_path))
    return Error{"the input links user ids (anonymousId and userId in one message, or an alias message), and "
                 "merging them reads the input twice, but this input (standard input, a pipe or a FIFO) cannot "
                 "be read twice; write it to a file, or pass --no-identity-merge",
                 o.events_path == "-" ? std::string("<stdin>") : o.events_path};
  IdentityReads again;
  again.known = std::move(links.found);
  out = read(again);
  if (out && again.read_again)  // the same input, read again: it cannot hold new links
    return Error{"internal error: the identity links changed between two reads of the input", o.events_path};
  return out;
}

Expected<RunOutput> combine_states(const ir::Program& program, const std::vector<std::string>& paths, Engine& engine,
                                   const std::optional<std::string>& state_out, const std::string& rules_label) {
  RunState run(program);
  Session session(run, engine, state_out.has_value());
  std::vector<SavedState> states;
  IdentityMap identities;  // every partition read the links of the whole input: the same
  for (const auto& path : paths) {
    auto s = read_state_file(path, program);
    if (!s) return s.error();
    apply_links(identities, s->identity_links);
    states.push_back(std::move(*s));
  }
  // One partition's state alone is not the result of the run (Session::load would take
  // it as a run to continue).
  if (auto st = check_all_partitions(states); !st) return st.error();
  if (auto st = session.load(std::move(states)); !st) return st.error();
  if (auto st = session.begin(session.loaded_as_of()); !st) return st.error();
  if (auto st = session.apply(session.take_kept(), false, ""); !st) return st.error();
  session.finish();

  RunOutput out;
  out.table = finalize(engine, run);
  out.summary.engine = run.stats;
  out.summary.users = run.users.size();
  out.summary.as_of = run.as_of;
  out.summary.state = session.counts();
  if (state_out)
    if (auto st = save_state(session, identities, *state_out, {}, rules_label); !st) return st.error();
  return out;
}

InputFindings input_findings(const RunSummary& s, const ir::Program& program) {
  return find_input_findings(s.events, s.profiles, program.schema, s.events_from_file);
}

std::string format_summary(const RunSummary& s, const ir::Program& program, bool group) {
  const IngestStats& e = s.events;
  auto n = [group](uint64_t v) { return group ? group_digits(v) : std::to_string(v); };
  std::string out = fmt::format(
      "summary: events read {}, used {}, skipped (bad lines) {}, unknown type {}, after as-of {}, without user id {}\n",
      n(e.events_read), n(s.engine.used), n(e.skipped_bad), n(e.unknown_events), n(s.engine.future), n(e.missing_user));
  out += fmt::format("summary: null weights {}, values not of the declared type {}, users {}, profiles read {}, as of {}{}\n",
                     n(s.engine.null_weights), n(e.bad_values + s.profiles.bad_values), n(s.users),
                     n(s.profiles.profiles_read + e.profiles_read), format_iso8601(s.as_of),
                     s.as_of_from_events ? " (latest event)" : "");
  if (s.events_from_file) out += format_accounting(s, group);
  if (s.state_in)
    out += fmt::format("summary: continued from state {} (as of {}): users {}, kept events re-applied {}, late events {}\n",
                       *s.state_in, format_iso8601(s.state_as_of), s.state.carried_users, s.state.carried_events,
                       s.state.late);
  if (s.partition.n > 1)
    out += fmt::format("summary: partition {}/{}: events and profile rows of other partitions skipped {}\n",
                       s.partition.k, s.partition.n, e.other_partition + s.profiles.other_partition);
  // Input that holds nothing to score but is still reported: blank lines, and ids that
  // became another user's by losing their edge spaces.
  uint64_t blank = e.blank_lines + s.profiles.blank_lines, trimmed = e.trimmed_ids + s.profiles.trimmed_ids;
  if (blank > 0 || trimmed > 0) out += fmt::format("summary: blank lines {}, user ids trimmed {}\n", blank, trimmed);
  if (e.duplicate_messages > 0)
    out += fmt::format("summary: {} duplicate messages (same messageId) were read once\n", e.duplicate_messages);
  if (e.other_messages > 0)
    out += fmt::format("summary: Segment page/screen/group/alias messages skipped {}\n", e.other_messages);
  if (s.identity.merged > 0 || s.identity.conflicts > 0 || e.alias_messages > 0)
    out += fmt::format("summary: identity: {} ids merged into the user they are linked to (anonymousId with a "
                       "userId, {} alias messages); {} links ignored (the id was linked to another user first)\n",
                       s.identity.merged, e.alias_messages, s.identity.conflicts);
  if (!e.names_read_as.empty()) {
    // Most frequent first, so the names a tracking plan uses most lead the line.
    std::vector<std::pair<std::string, IngestStats::ReadAs>> read_as(e.names_read_as.begin(), e.names_read_as.end());
    std::stable_sort(read_as.begin(), read_as.end(), [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    std::string list;
    for (const auto& [name, m] : read_as)
      list += fmt::format("{}'{}' -> {} ({})", list.empty() ? "" : ", ", name, program.schema.events[m.type].name, m.count);
    out += fmt::format("summary: input names read as declared events: {}\n", list);
  }
  for (const auto* w : {&s.profiles.warnings, &e.warnings})
    for (const auto& text : *w) out += fmt::format("warning: {}\n", text);
  out += format_input_findings(input_findings(s, program), e, s.profiles);
  for (size_t k = 0; k < s.engine.null_raw_by_score.size() && k < program.scores.size(); ++k)
    if (s.engine.null_raw_by_score[k] > 0)
      out += fmt::format("summary: {} null raw scores of '{}' (+inf and -inf contributions met: not a number)\n",
                         s.engine.null_raw_by_score[k], program.scores[k].name);
  for (size_t r = 0; r < s.engine.null_weights_by_rule.size(); ++r)
    if (s.engine.null_weights_by_rule[r] > 0)
      out += fmt::format("summary: {} null weights from rule at {} ({})\n", s.engine.null_weights_by_rule[r],
                         program.rules[r].where, program.rules[r].label);
  return out;
}

}  // namespace scorec::runtime
