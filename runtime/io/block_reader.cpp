#include "runtime/io/block_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "runtime/io/event_reader.h"
#include "runtime/io/reader_common.h"
#include "runtime/io/readers.h"

namespace scorec::runtime {
void read_block(const TextBlock& block, const BlockReadOptions& o, ParsedBlock& out) {
  IngestContext ctx{*o.schema, out.strings, out.lists, out.users, out.profiles, out.stats, o.skip_bad};
  ctx.partition = o.partition;
  ctx.block_ids = &out.ids;
  ctx.keep_duplicates = o.keep_duplicates;
  ctx.earlier_messages = o.earlier_messages;
  ctx.block_messages = &out.message_ids;
  ctx.identities = o.identities;
  if (o.find_links) ctx.found_links = &out.links;
  ctx.stats.events_by_type.assign(o.schema->events.size(), 0);
  // Read in the usual chunks, not all at once: a record over ChunkBuffer::kMaxRecord
  // (a lenient quote left open) then fails here exactly as in one reader over the file,
  // and a block joined with the next ones never grows past that.
  auto buf = std::make_unique<ChunkBuffer>(std::make_unique<MemoryStream>(block.text, o.name));
  // Numbered from the file's line of the block's first byte (the header copy's line
  // before it), every line number the reader gives, messages included, is the file's.
  buf->set_first_line(block.first_line - block.prefix_lines);
  auto reader = o.format == InputFormat::Ndjson ? make_ndjson_event_reader(std::move(buf), *o.mapping, ctx)
                                                : make_csv_event_reader(std::move(buf), o.path, *o.mapping, ctx);
  if (!reader) {
    out.error = reader.error();
  } else {
    auto got = (*reader)->next(out.events, std::numeric_limits<size_t>::max());
    if (!got) out.error = got.error();
    out.open_at_end = (*reader)->record_open_at_end();
  }
  if (out.events.columns.size() != static_cast<size_t>(o.schema->num_columns)) out.events.reset(o.schema->num_columns);
}

void add_stats(IngestStats& into, const IngestStats& later) {
  into.records += later.records;
  into.events_read += later.events_read;
  into.skipped_bad += later.skipped_bad;
  into.unknown_events += later.unknown_events;
  for (const auto& [name, n] : later.unknown_by_name) into.unknown_by_name[name] += n;
  for (const auto& [name, m] : later.names_read_as) {
    auto& to = into.names_read_as[name];
    to.type = m.type;
    to.count += m.count;
  }
  into.missing_user += later.missing_user;
  into.profiles_read += later.profiles_read;
  into.bad_values += later.bad_values;
  for (const auto& b : later.bad_value_samples)
    if (into.bad_value_samples.size() < IngestStats::kBadValueSamples) into.bad_value_samples.push_back(b);
  for (const auto& [column, n] : later.bad_values_by_column) into.bad_values_by_column[column] += n;
  if (into.events_by_type.size() < later.events_by_type.size()) into.events_by_type.resize(later.events_by_type.size());
  for (size_t t = 0; t < later.events_by_type.size(); ++t) into.events_by_type[t] += later.events_by_type[t];
  into.max_ts = std::max(into.max_ts, later.max_ts);
  into.other_messages += later.other_messages;
  into.duplicate_messages += later.duplicate_messages;
  into.other_partition += later.other_partition;
  into.blank_lines += later.blank_lines;
  into.trimmed_ids += later.trimmed_ids;
  into.alias_messages += later.alias_messages;
  for (const auto& w : later.warnings) add_warning(into, w);
}

}  // namespace scorec::runtime
