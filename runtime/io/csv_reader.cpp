// CSV events: the header names the columns once, then each record is split in place
// and its fields converted straight into the batch columns.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/io/csv_parser.h"
#include "runtime/io/event_builder.h"
#include "runtime/io/event_names.h"
#include "runtime/io/reader_common.h"
#include "runtime/io/readers.h"
#include "runtime/io/value_convert.h"
#include "support/text.h"

namespace scorec::runtime {
namespace {

class CsvEventReader final : public EventReader {
 public:
  CsvEventReader(std::unique_ptr<ChunkBuffer> buf, CsvDialect dialect, const FieldMapping& mapping, IngestContext& ctx)
      : buf_(std::move(buf)),
        src_(*buf_, dialect, ctx.stats.blank_lines),
        mapping_(mapping),
        ctx_(ctx),
        plan_(make_plan(ctx.schema, mapping, /*ndjson=*/false)),
        builder_(ctx, mapping_),
        conv_(ctx, mapping_),
        time_(mapping_),
        bad_(ctx) {}

  Status open() {
    auto got = src_.next(rec_);
    if (!got) return got.error();
    if (!*got) return Error{"empty file: a CSV file needs a header row", src_.name()};
    const std::string& file = src_.name();
    if (!rec_.bad.empty()) return Error{"the header: " + rec_.bad, file, static_cast<int64_t>(rec_.line)};
    header_.set(rec_.fields);
    auto user = header_.require(plan_.user, file, rec_.line);
    if (!user) return user.error();
    user_col_ = *user;
    if (!plan_.event_constant) {
      auto ev = header_.require(plan_.event, file, rec_.line);
      if (!ev) return ev.error();
      event_col_ = *ev;
    }
    auto time = header_.require(plan_.time, file, rec_.line);
    if (!time) return time.error();
    time_col_ = *time;

    // With one constant event name only that event's properties can occur here.
    int only_event = plan_.event_constant ? EventNames(ctx_.schema, mapping_).resolve(*plan_.event_constant).type : -1;
    std::vector<bool> relevant(plan_.props.size(), !plan_.event_constant);
    if (only_event >= 0)
      for (const auto& t : plan_.by_event[static_cast<size_t>(only_event)]) relevant[static_cast<size_t>(t.field)] = true;
    for (size_t i = 0; i < plan_.props.size(); ++i) {
      const FieldSpec& spec = plan_.props[i];
      auto found = header_.find(spec, file, rec_.line);
      if (!found) return found.error();
      int col = *found;
      if (col < 0 && spec.explicit_) {
        auto err = header_.require(spec, file, rec_.line);
        return err.error();
      }
      if (col < 0 && relevant[i])
        add_warning(ctx_.stats, fmt::format("{}: no column '{}' for {}; it is null on every event", file,
                                            spec.names.front(), spec.what));
      prop_col_.push_back(col);
    }
    fields_ = header_.names.size();
    return Ok{};
  }

  Expected<bool> next(EventBatch& out, size_t max_events) override {
    out.reset(ctx_.schema.num_columns);
    if (bad_.failed()) return *bad_.failed();
    max_events = std::max<size_t>(max_events, 1);  // 0 would read nothing and look like the end
    while (out.size() < max_events) {
      auto got = src_.next(rec_);
      if (!got) return bad_.fail(got.error()).error();
      if (!*got) break;
      auto st = read_record(out);
      if (!st) return st.error();
    }
    return out.size() > 0;
  }

  bool record_open_at_end() const override { return src_.ran_into_end(); }

 private:
  Status read_record(EventBatch& out) {
    ++ctx_.stats.records;
    const auto& f = rec_.fields;
    const std::string& file = src_.name();
    if (!rec_.bad.empty()) return bad_.report(file, rec_.line, rec_.bad);
    if (f.size() != fields_)
      return bad_.report(file, rec_.line,
                         fmt::format("expected {} fields as in the header, found {}", fields_, f.size()));
    std::string_view name = plan_.event_constant ? std::string_view(*plan_.event_constant)
                                                 : trim(f[static_cast<size_t>(event_col_)]);
    if (name.empty())
      return bad_.report(file, rec_.line,
                         fmt::format("field '{}': missing the event name", header_.names[static_cast<size_t>(event_col_)]));
    std::string_view time_text = f[static_cast<size_t>(time_col_)];
    const std::string& time_name = header_.names[static_cast<size_t>(time_col_)];
    if (trim(time_text).empty())
      return bad_.report(file, rec_.line, fmt::format("field '{}': missing the timestamp", time_name));
    auto ts = time_.parse(time_text);
    if (!ts)
      return bad_.report(file, rec_.line, fmt::format("field '{}': {}", time_name, time_.failure(time_text)));
    std::string_view user = read_user_id(f[static_cast<size_t>(user_col_)], ctx_.stats, id_error_);
    if (!id_error_.empty()) return bad_.report(file, rec_.line, std::move(id_error_));
    if (user.empty()) {
      ++ctx_.stats.missing_user;
      return Ok{};
    }
    uint16_t type;
    size_t row = builder_.add(out, user, name, *ts, rec_.line, type);
    if (type == kUnknownEvent) return Ok{};
    for (const auto& t : plan_.by_event[type]) {
      int col = prop_col_[static_cast<size_t>(t.field)];
      double v;
      if (col < 0) continue;
      conv_.at(file, rec_.line, header_.names[static_cast<size_t>(col)]);
      if (conv_.from_text(f[static_cast<size_t>(col)], t.type, v)) EventBuilder::set(out, row, t.column, v);
    }
    return Ok{};
  }

  std::unique_ptr<ChunkBuffer> buf_;
  CsvSource src_;
  FieldMapping mapping_;  // a copy: the reader may outlive the caller's mapping
  IngestContext& ctx_;
  IngestPlan plan_;
  EventBuilder builder_;
  ValueConverter conv_;
  TimeParser time_;
  BadLinePolicy bad_;
  CsvHeader header_;
  CsvRecord rec_;
  std::string id_error_;
  size_t fields_ = 0;
  int user_col_ = -1, event_col_ = -1, time_col_ = -1;
  std::vector<int> prop_col_;  // index = IngestPlan::props
};

}  // namespace

Expected<std::unique_ptr<EventReader>> make_csv_event_reader(std::unique_ptr<ChunkBuffer> buf,
                                                             const std::string& path, const FieldMapping& mapping,
                                                             IngestContext& ctx) {
  auto reader = std::make_unique<CsvEventReader>(std::move(buf), csv_dialect(path, mapping), mapping, ctx);
  auto st = reader->open();
  if (!st) return st.error();
  return std::unique_ptr<EventReader>(std::move(reader));
}

}  // namespace scorec::runtime
