// Entry points: open a file, decide its format, hand it to the CSV or NDJSON reader.
#include "runtime/io/event_reader.h"

#include "runtime/io/reader_common.h"
#include "runtime/io/readers.h"

namespace scorec::runtime {

Expected<std::unique_ptr<EventReader>> open_event_reader(const std::string& path, const FieldMapping& mapping,
                                                         IngestContext& ctx) {
  return open_event_reader(path, mapping, ctx, ReaderOptions{});
}

Expected<std::unique_ptr<EventReader>> open_event_reader(const std::string& path, const FieldMapping& mapping,
                                                         IngestContext& ctx, const ReaderOptions& options) {
  if (auto st = check_context(ctx); !st) return st.error();
  for (auto& w : mapping_warnings(ctx.schema, mapping)) add_warning(ctx.stats, std::move(w));
  auto buf = open_chunks(path, options);
  if (!buf) return buf.error();
  auto format = detect_format(path, mapping, **buf);
  if (!format) return format.error();
  if (*format == InputFormat::Ndjson) return make_ndjson_event_reader(std::move(*buf), mapping, ctx);
  return make_csv_event_reader(std::move(*buf), path, mapping, ctx);
}

Status read_profiles(const std::string& path, const FieldMapping& mapping, IngestContext& ctx) {
  return read_profiles(path, mapping, ctx, ReaderOptions{});
}

Status read_profiles(const std::string& path, const FieldMapping& mapping, IngestContext& ctx,
                     const ReaderOptions& options) {
  if (auto st = check_context(ctx); !st) return st;
  for (auto& w : mapping_warnings(ctx.schema, mapping)) add_warning(ctx.stats, std::move(w));
  auto buf = open_chunks(path, options);
  if (!buf) return buf.error();
  auto format = detect_format(path, mapping, **buf);
  if (!format) return format.error();
  if (*format == InputFormat::Ndjson) return read_ndjson_profiles(**buf, mapping, ctx);
  return read_csv_profiles(**buf, path, mapping, ctx);
}

}  // namespace scorec::runtime
