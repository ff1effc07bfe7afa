// Profiles: CSV or NDJSON rows keyed by user id, or Segment identify messages. A row
// sets the attributes it has a value for; a null leaves an earlier value in place, so
// several partial profile files combine.
#include <fmt/format.h>

#include "runtime/io/csv_parser.h"
#include "runtime/io/json_record.h"
#include "runtime/io/reader_common.h"
#include "runtime/io/readers.h"
#include "runtime/io/value_convert.h"
#include "support/text.h"

namespace scorec::runtime {

Status read_csv_profiles(ChunkBuffer& buf, const std::string& path, const FieldMapping& mapping,
                         IngestContext& ctx) {
  CsvSource src(buf, csv_dialect(path, mapping), ctx.stats.blank_lines);
  IngestPlan plan = make_plan(ctx.schema, mapping, /*ndjson=*/false);
  CsvRecord rec;
  auto got = src.next(rec);
  if (!got) return got.error();
  if (!*got) return Error{"empty file: a CSV file needs a header row", src.name()};
  if (!rec.bad.empty()) return Error{"the header: " + rec.bad, src.name(), static_cast<int64_t>(rec.line)};
  CsvHeader header;
  header.set(rec.fields);
  auto user_col = header.require(plan.user, src.name(), rec.line);
  if (!user_col) return user_col.error();
  std::vector<int> attr_col;
  for (const auto& spec : plan.attrs) {
    auto found = header.find(spec, src.name(), rec.line);
    if (!found) return found.error();
    int col = *found;
    if (col < 0 && spec.explicit_) return header.require(spec, src.name(), rec.line).error();
    if (col < 0)
      add_warning(ctx.stats, fmt::format("{}: no column '{}' for {}; it is null unless another file sets it",
                                         src.name(), spec.names.front(), spec.what));
    attr_col.push_back(col);
  }

  ValueConverter conv(ctx, mapping);
  BadLinePolicy bad(ctx);
  const size_t fields = header.names.size();
  std::string id_error;
  for (;;) {
    got = src.next(rec);
    if (!got) return got.error();
    if (!*got) return Ok{};
    if (!rec.bad.empty()) {
      if (auto st = bad.report(src.name(), rec.line, rec.bad); !st) return st;
      continue;
    }
    if (rec.fields.size() != fields) {
      auto st = bad.report(src.name(), rec.line,
                           fmt::format("expected {} fields as in the header, found {}", fields, rec.fields.size()));
      if (!st) return st;
      continue;
    }
    std::string_view id = read_user_id(rec.fields[static_cast<size_t>(*user_col)], ctx.stats, id_error);
    if (!id_error.empty()) {
      if (auto st = bad.report(src.name(), rec.line, id_error); !st) return st;
      continue;
    }
    if (id.empty()) {
      ++ctx.stats.missing_user;
      continue;
    }
    auto user = ctx.user(id, rec.line);
    if (!user) continue;
    for (size_t a = 0; a < attr_col.size(); ++a) {
      double v;
      if (attr_col[a] < 0) continue;
      conv.at(src.name(), rec.line, header.names[static_cast<size_t>(attr_col[a])]);
      if (conv.from_text(rec.fields[static_cast<size_t>(attr_col[a])], ctx.schema.profile[a].type, v))
        ctx.profiles.set(*user, a, v);
    }
    ++ctx.stats.profiles_read;
  }
}

Status read_ndjson_profiles(ChunkBuffer& buf, const FieldMapping& mapping, IngestContext& ctx) {
  LineSource lines(buf);
  IngestPlan plan = make_plan(ctx.schema, mapping, /*ndjson=*/true);
  JsonRecord rec;
  JsonSlots slots(rec, plan);
  ValueConverter conv(ctx, mapping);
  BadLinePolicy bad(ctx);
  Line line;
  std::string error;
  for (;;) {
    auto got = lines.next(line);
    if (!got) return got.error();
    if (!*got) return Ok{};
    if (trim(line.text).empty()) {
      ++ctx.stats.blank_lines;
      continue;
    }
    if (!rec.parse(line, error)) {
      auto st = bad.report(lines.name(), line.number, error);
      if (!st) return st;
      continue;
    }
    SegmentType t = segment_type(rec, slots);
    if (t != SegmentType::None && t != SegmentType::Identify) {
      ++ctx.stats.other_messages;  // a profiles file carries identify messages or plain rows
      continue;
    }
    auto applied = apply_json_profile(rec, slots, plan, conv, ctx, lines.name(), line.number);
    if (!applied) {
      if (auto st = bad.report(lines.name(), line.number, applied.error().message); !st) return st;
      continue;
    }
    if (!*applied) ++ctx.stats.missing_user;
  }
}

}  // namespace scorec::runtime
