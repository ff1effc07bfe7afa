#include "runtime/engine/sharded_run.h"

#include <limits>
#include <map>

#include <fmt/format.h>

#include "runtime/engine/finalize.h"
#include "runtime/io/block_dedup.h"
#include "runtime/io/block_reader.h"
#include "runtime/io/field_mapping.h"
#include "runtime/io/input_stream.h"
#include "runtime/io/read_progress.h"
#include "runtime/io/reader_common.h"
#include "support/hash.h"
#include "support/parallel.h"

namespace scorec::runtime {
namespace {

// The shard of a user id. Not partition_of: a --partition run shards its own users, and
// the same hash would send them all to one shard.
// From the id's hash, mixed again: the tables place keys by the same hash, and the keys
// of one shard must not share the bits that place them.
uint32_t shard_of(uint64_t hash, uint32_t shards) {
  return static_cast<uint32_t>(((hash * 0x9E3779B97F4A7C15ull) >> 40) % shards);
}

struct Shard {
  Shard(const ir::Program& program, std::unique_ptr<Engine> e)
      : run(program), engine(std::move(e)), session(run, *engine, false), col_types(program.schema.column_types()) {}
  RunState run;
  std::unique_ptr<Engine> engine;
  Session session;
  // This shard's events, one part per round of blocks, in file order. Parts, not one
  // growing batch: no copy of every event at each doubling, nor its page faults.
  std::vector<EventBatch> parts;
  // Whether the parts, one after the other, are in time order (as a file of events
  // logged as they happened is): then they are scored part by part, which is what one
  // batch of them all would be (Session::apply scores a batch in time order).
  bool in_time_order = true;
  double last_ts = -std::numeric_limits<double>::infinity();
  bool scored_some = false;  // parts were scored as they were read
  EventBatch spare_part;     // a scored part, emptied, whose memory holds the next round's

  // Scores the parts held so far, then lets them go.
  Status score_parts(const std::string& source) {
    if (in_time_order) {
      for (auto& part : parts) {
        if (auto st = session.apply(part, false, source); !st) return st;
        if (&part != &parts.back()) part = EventBatch{};
      }
      if (!parts.empty()) spare_part = std::move(parts.back());
      parts.clear();
      return Ok{};
    }
    EventBatch all;
    all.reset(run.program.schema.num_columns);
    size_t rows = 0;
    for (const auto& part : parts) rows += part.size();
    all.reserve(rows);
    for (auto& part : parts) {
      all.append(part);
      part = EventBatch{};
    }
    parts.clear();
    return session.apply(all, false, source);
  }
  std::vector<ir::Type> col_types;
  std::map<std::vector<uint32_t>, uint32_t> list_ids;  // list content -> id, as a reader dedups them
  // Scratch, per block: the block's ids in this shard's pools (-1: not yet).
  std::vector<int64_t> user_map, string_map, list_map;
  std::vector<uint32_t> rows;

  double remap(ir::Type type, double v, const ParsedBlock& b) {
    if (type == ir::Type::String) return static_cast<double>(string_id(static_cast<uint32_t>(v), b));
    if (type != ir::Type::StringList) return v;
    int64_t& id = list_map[static_cast<size_t>(v)];
    if (id < 0) {
      std::vector<uint32_t> items;
      for (uint32_t s : b.lists.get(static_cast<uint32_t>(v))) items.push_back(string_id(s, b));
      auto [it, fresh] = list_ids.try_emplace(items, 0);
      if (fresh) it->second = run.lists.add(items);
      id = it->second;
    }
    return static_cast<double>(id);
  }
  uint32_t string_id(uint32_t s, const ParsedBlock& b) {
    int64_t& id = string_map[s];
    if (id < 0) id = run.strings.intern(b.strings.get(s));
    return static_cast<uint32_t>(id);
  }

  // Takes this shard's users of a block (owner[u] == k): interns them, sets their
  // profile values, and appends their events with ids in this shard's pools.
  void take(const ParsedBlock& b, const std::vector<uint32_t>& owner, uint32_t k, OriginSource source) {
    user_map.assign(b.ids.size(), -1);
    string_map.assign(b.strings.size(), -1);
    list_map.assign(b.lists.size(), -1);
    for (uint32_t u = 0; u < b.ids.size(); ++u) {
      if (owner[u] != k) continue;
      size_t before = run.users.size();
      uint32_t ix = run.users.intern_hashed(b.ids.get(u), b.ids.hash[u]);
      if (run.users.size() > before) run.origins.push_back(origin_key(run.generation, source, b.ids.line[u]));
      user_map[u] = ix;
    }
    const ir::Schema& schema = run.program.schema;
    run.profiles.grow(run.users.size());
    for (size_t a = 0; a < schema.profile.size(); ++a)
      for (uint32_t u = 0; u < b.ids.size(); ++u)
        if (owner[u] == k && b.profiles.valid(u, a))
          run.profiles.set(static_cast<uint32_t>(user_map[u]), a, remap(schema.profile[a].type, b.profiles.value(u, a), b));
    rows.clear();
    for (uint32_t r = 0; r < b.events.size(); ++r)
      if (owner[b.events.user[r]] == k) rows.push_back(r);
    EventBatch& events = parts.back();
    size_t from = events.size();
    events.append(b.events, rows);
    for (size_t r = from; r < events.size(); ++r) {
      events.user[r] = static_cast<uint32_t>(user_map[events.user[r]]);
      // The adjacent-pair test of std::is_sorted, as time_order() makes it.
      if (events.ts[r] < last_ts) in_time_order = false;
      last_ts = events.ts[r];
    }
    for (size_t c = 0; c < events.columns.size(); ++c) {
      if (col_types[c] != ir::Type::String && col_types[c] != ir::Type::StringList) continue;
      auto& col = events.columns[c];
      for (size_t r = from; r < events.size(); ++r)
        if (col.valid[r]) col.values[r] = remap(col_types[c], col.values[r], b);
    }
  }
};

// Each block user's shard.
std::vector<uint32_t> owners(const ParsedBlock& b, uint32_t shards) {
  std::vector<uint32_t> owner(b.ids.size());
  for (uint32_t u = 0; u < b.ids.size(); ++u) owner[u] = shard_of(b.ids.hash[u], shards);
  return owner;
}

void distribute(std::vector<std::unique_ptr<Shard>>& shards, const std::vector<std::unique_ptr<ParsedBlock>>& blocks,
                unsigned threads, OriginSource source) {
  std::vector<std::vector<uint32_t>> owner(blocks.size());
  const auto n = static_cast<uint32_t>(shards.size());
  parallel_for(blocks.size(), threads, [&](size_t i) { owner[i] = owners(*blocks[i], n); });
  size_t rows = 0;
  for (const auto& b : blocks) rows += b->events.size();
  parallel_for(shards.size(), threads, [&](size_t k) {
    Shard& s = *shards[k];
    EventBatch& part = s.parts.emplace_back(std::move(s.spare_part));
    part.reset(s.run.program.schema.num_columns);
    part.reserve(rows / n + rows / (4 * n) + 1024);  // a hash spreads users about evenly
    for (size_t i = 0; i < blocks.size(); ++i) s.take(*blocks[i], owner[i], static_cast<uint32_t>(k), source);
  });
}

// The shards' tables as one, rows in order of first appearance.
ResultTable merge_tables(std::vector<ResultTable>& tables, const std::vector<std::unique_ptr<Shard>>& shards) {
  struct At {
    uint64_t origin;
    uint32_t shard, row;
  };
  std::vector<At> order;
  for (uint32_t k = 0; k < tables.size(); ++k)
    for (uint32_t r = 0; r < tables[k].rows(); ++r) order.push_back({shards[k]->run.origins[r], k, r});
  std::sort(order.begin(), order.end(), [](const At& a, const At& b) { return a.origin < b.origin; });
  ResultTable out;
  out.user_ids.reserve(order.size());
  for (const At& a : order) out.user_ids.push_back(std::move(tables[a.shard].user_ids[a.row]));
  for (size_t c = 0; c < tables.front().columns.size(); ++c) {
    ResultColumn col;
    col.name = tables.front().columns[c].name;
    col.kind = tables.front().columns[c].kind;
    col.valid.reserve(order.size());
    for (const At& a : order) {
      ResultColumn& from = tables[a.shard].columns[c];
      col.valid.push_back(from.valid[a.row]);
      if (col.kind == ColumnKind::Text) col.texts.push_back(std::move(from.texts[a.row]));
      else col.numbers.push_back(from.numbers[a.row]);
    }
    out.columns.push_back(std::move(col));
  }
  return out;
}

void add_engine_stats(EngineStats& into, const EngineStats& s) {
  into.used += s.used;
  into.future += s.future;
  into.null_weights += s.null_weights;
  into.null_weights_by_rule.resize(std::max(into.null_weights_by_rule.size(), s.null_weights_by_rule.size()), 0);
  for (size_t i = 0; i < s.null_weights_by_rule.size(); ++i) into.null_weights_by_rule[i] += s.null_weights_by_rule[i];
  into.null_raw_by_score.resize(std::max(into.null_raw_by_score.size(), s.null_raw_by_score.size()), 0);
  for (size_t i = 0; i < s.null_raw_by_score.size(); ++i) into.null_raw_by_score[i] += s.null_raw_by_score[i];
}

}  // namespace

bool can_shard(const RunOptions& o) { return o.threads >= 1 && !o.stream && !o.state_in && !o.state_out; }

namespace {

// One run over the file. With `score_as_read`, the events are scored round by round
// as they are read, as long as each shard's events come in time order; a shard whose
// order breaks after it scored some makes the run return nullopt (to be run again
// holding the events).
Expected<std::optional<RunOutput>> run_shards(const ir::Program& program, const RunOptions& o, const Engine& engine,
                                              bool score_as_read, IdentityReads& links) {
  const unsigned threads = o.threads;
  const ir::Schema& schema = program.schema;
  std::vector<std::unique_ptr<Shard>> shards;
  for (unsigned k = 0; k < threads; ++k) shards.push_back(std::make_unique<Shard>(program, engine.clone()));
  RunOutput out;
  RunSummary& summary = out.summary;
  summary.partition = o.partition;
  IdentityMap identities;
  summary.identity = apply_links(identities, links.known);
  const IdentityMap* resolve = o.identity_merge ? &identities : nullptr;

  // Profiles first: their users come first in the output, as in one run.
  if (o.profiles_path) {
    std::vector<std::unique_ptr<ParsedBlock>> blocks;
    blocks.push_back(std::make_unique<ParsedBlock>(schema.profile.size()));
    ParsedBlock& b = *blocks.back();
    IngestContext ctx{schema, b.strings, b.lists, b.users, b.profiles, b.stats, o.skip_bad};
    ctx.partition = o.partition;
    ctx.block_ids = &b.ids;
    ctx.identities = resolve;
    if (auto st = read_profiles(*o.profiles_path, o.profiles_mapping, ctx); !st) return st.error();
    summary.profiles = b.stats;
    distribute(shards, blocks, threads, kFromProfiles);
  }

  auto source = BlockSource::open(o.events_path, o.events_mapping, std::max<size_t>(o.block_bytes, 1));
  if (!source) return source.error();
  BlockReadOptions ro;
  ro.path = o.events_path;
  ro.name = (*source)->name();
  ro.format = (*source)->format();
  // The next rounds' blocks are cut while this round's are parsed and scored.
  BlockReadAhead blocks_ahead(std::move(*source), 2 * static_cast<size_t>(threads));
  ro.mapping = &o.events_mapping;
  ro.schema = &schema;
  ro.skip_bad = o.skip_bad;
  ro.partition = o.partition;
  ro.keep_duplicates = o.keep_duplicates;
  ro.identities = resolve;
  ro.find_links = resolve != nullptr;
  BlockDedup dedup(threads);
  IngestStats& stats = summary.events;
  for (auto& w : mapping_warnings(schema, o.events_mapping)) add_warning(stats, std::move(w));
  stats.events_by_type.assign(schema.events.size(), 0);
  if (score_as_read)
    for (auto& s : shards)
      if (auto st = s->session.begin(*o.as_of); !st) return st.error();

  // Rounds of a few blocks per thread: read, parse in parallel, check in file order,
  // hand the users to their shards.
  std::optional<TextBlock> carry;  // a block whose last record runs into the next
  std::optional<Error> input_error;
  // Parsed blocks of earlier rounds, emptied, for their memory (ParsedBlock::reset).
  std::vector<std::unique_ptr<ParsedBlock>> spare;
  auto new_block = [&] {
    if (spare.empty()) return std::make_unique<ParsedBlock>(schema.profile.size());
    auto b = std::move(spare.back());
    spare.pop_back();
    b->reset();
    return b;
  };
  bool done = false;
  while (!done) {
    std::vector<TextBlock> texts;
    while (texts.size() < 2 * static_cast<size_t>(threads)) {
      TextBlock t;
      auto more = blocks_ahead.next(t);
      if (!more) {
        // The input failed here; the blocks before it are read first, since a
        // malformed line in them would have stopped one reader before this point.
        input_error = more.error();
        done = true;
        break;
      }
      if (!*more) {
        done = true;
        break;
      }
      texts.push_back(std::move(t));
    }
    if (carry) {
      if (texts.empty()) texts.push_back(std::move(*carry));
      else {
        TextBlock joined = std::move(*carry);
        BlockSource::join(joined, texts.front());
        texts.front() = std::move(joined);
      }
      carry.reset();
    }
    if (texts.empty()) {
      if (input_error) return *input_error;
      break;
    }
    std::vector<std::unique_ptr<ParsedBlock>> blocks(texts.size());
    for (auto& b : blocks) b = new_block();
    parallel_for(texts.size(), threads, [&](size_t i) { read_block(texts[i], ro, *blocks[i]); });
    // In file order: a block whose record runs over its end is read again joined with
    // the next (rare: a quoted field with line breaks across a cut).
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (!blocks[i]->open_at_end) continue;
      if (i + 1 == blocks.size()) {
        if (done) break;  // the end of the input: the reader's error stands
        carry = std::move(texts[i]);
        blocks.pop_back();
        texts.pop_back();
        break;
      }
      BlockSource::join(texts[i], texts[i + 1]);
      texts.erase(texts.begin() + static_cast<ptrdiff_t>(i) + 1);
      spare.push_back(std::move(blocks[i + 1]));
      blocks.erase(blocks.begin() + static_cast<ptrdiff_t>(i) + 1);
      blocks[i]->reset();
      read_block(texts[i], ro, *blocks[i]);
      --i;
    }
    if (!o.keep_duplicates) dedup.round(texts, blocks, ro);
    for (const auto& b : blocks) {
      add_stats(stats, b->stats);
      if (b->error) return *b->error;
      for (auto& l : b->links) links.found.push_back(std::move(l));
      read_progress().add_events(b->events.size());
    }
    if (input_error) return *input_error;
    distribute(shards, blocks, threads, kFromEvents);
    for (auto& t : texts) blocks_ahead.recycle(std::move(t.text));
    for (auto& b : blocks) spare.push_back(std::move(b));
    if (!score_as_read) continue;
    for (const auto& s : shards)
      if (!s->in_time_order && s->scored_some) return std::optional<RunOutput>();
    std::vector<std::optional<Error>> failed(shards.size());
    parallel_for(shards.size(), threads, [&](size_t k) {
      Shard& s = *shards[k];
      if (!s.in_time_order) return;  // held until the end, and scored in time order then
      if (auto st = s.score_parts(o.events_path); !st) failed[k] = st.error();
      s.scored_some = true;
    });
    for (auto& f : failed)
      if (f) return *f;
  }

  summary.events_from_file = true;
  if (note_found_links(identities, links, summary)) return std::optional<RunOutput>(std::move(out));

  // The as-of time, as one run takes it.
  double as_of;
  if (o.as_of) {
    as_of = *o.as_of;
  } else {
    if (stats.events_read == 0) return Error{"there are no events to take the as-of time from; pass --as-of", o.events_path};
    as_of = stats.max_ts;
    summary.as_of_from_events = true;
  }
  std::vector<std::optional<Error>> failed(shards.size());
  parallel_for(shards.size(), threads, [&](size_t k) {
    Shard& s = *shards[k];
    if (!score_as_read)
      if (auto st = s.session.begin(as_of); !st) failed[k] = st.error();
    if (!failed[k])
      if (auto st = s.score_parts(o.events_path); !st) failed[k] = st.error();
    s.session.finish();
  });
  for (auto& f : failed)
    if (f) return *f;

  // Percentiles rank each user among everyone.
  std::vector<Population> pops(shards.size());
  parallel_for(shards.size(), threads, [&](size_t k) { pops[k] = rank_population(*shards[k]->engine, shards[k]->run); });
  for (size_t sc = 0; sc < program.scores.size(); ++sc) {
    if (program.scores[sc].scale.kind != ir::ScaleKind::Percentile) continue;
    std::vector<double> all;
    for (auto& p : pops) all.insert(all.end(), p.sorted[sc].begin(), p.sorted[sc].end());
    std::sort(all.begin(), all.end());
    for (auto& p : pops) p.sorted[sc] = all;
  }
  std::vector<ResultTable> tables(shards.size());
  parallel_for(shards.size(), threads,
               [&](size_t k) {
                 tables[k] = finalize(*shards[k]->engine, shards[k]->run, pops[k]);
                 add_profile_columns(tables[k], shards[k]->run, o.keep_attrs);
               });
  out.table = merge_tables(tables, shards);
  for (const auto& s : shards) {
    add_engine_stats(summary.engine, s->run.stats);
    summary.users += s->run.users.size();
  }
  summary.as_of = as_of;
  return std::optional<RunOutput>(std::move(out));
}

}  // namespace

Expected<RunOutput> run_sharded(const ir::Program& program, const RunOptions& o, const Engine& engine,
                                IdentityReads& links) {
  // Scoring as the file is read needs the as-of time before the end, and, when the
  // rules read profile attributes, every `identify` trait before the first event (one
  // run scores each event with the final traits). A file can be read again when its
  // order turns out not to allow it.
  const bool score_as_read = o.as_of && program.schema.profile.empty() && can_read_twice(o.events_path);
  auto out = run_shards(program, o, engine, score_as_read, links);
  if (!out) return out.error();
  if (*out) return std::move(**out);
  links.found.clear();  // listed again by the read that holds the events
  auto again = run_shards(program, o, engine, false, links);
  if (!again) return again.error();
  return std::move(**again);
}

}  // namespace scorec::runtime
