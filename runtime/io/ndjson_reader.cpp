// NDJSON events: plain event objects and Segment-spec messages, one per line. `track`
// lines and plain objects are events; `identify` lines update profiles; page, screen,
// group and alias messages are counted and skipped.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/io/event_builder.h"
#include "runtime/io/json_record.h"
#include "runtime/io/reader_common.h"
#include "runtime/io/readers.h"
#include "support/text.h"

namespace scorec::runtime {
namespace {

class NdjsonEventReader final : public EventReader {
 public:
  NdjsonEventReader(std::unique_ptr<ChunkBuffer> buf, const FieldMapping& mapping, IngestContext& ctx)
      : buf_(std::move(buf)),
        lines_(*buf_),
        mapping_(mapping),
        ctx_(ctx),
        plan_(make_plan(ctx.schema, mapping, /*ndjson=*/true)),
        slots_(rec_, plan_),
        builder_(ctx, mapping_),
        conv_(ctx, mapping_),
        time_(mapping_),
        bad_(ctx) {}

  Expected<bool> next(EventBatch& out, size_t max_events) override {
    out.reset(ctx_.schema.num_columns);
    if (bad_.failed()) return *bad_.failed();
    max_events = std::max<size_t>(max_events, 1);  // 0 would read nothing and look like the end
    while (out.size() < max_events) {
      auto got = lines_.next(line_);
      if (!got) return bad_.fail(got.error()).error();
      if (!*got) break;
      if (trim(line_.text).empty()) {
        ++ctx_.stats.blank_lines;
        continue;
      }
      auto st = read_line(out);
      if (!st) return st.error();
    }
    return out.size() > 0;
  }

 private:
  Status report(std::string message) { return bad_.report(lines_.name(), line_.number, std::move(message)); }

  Status read_line(EventBatch& out) {
    if (!rec_.parse(line_, error_)) return report(error_);
    switch (segment_type(rec_, slots_)) {
      case SegmentType::Identify: {
        auto applied = apply_json_profile(rec_, slots_, plan_, conv_, ctx_, lines_.name(), line_.number);
        if (!applied) return report(applied.error().message);
        if (!*applied) ++ctx_.stats.missing_user;
        return Ok{};
      }
      case SegmentType::Other:
        ++ctx_.stats.other_messages;
        return Ok{};
      case SegmentType::Track:
      case SegmentType::None:
        break;
    }

    std::string_view name;
    if (plan_.event_constant) {
      name = *plan_.event_constant;
    } else {
      const JsonVal* ev = rec_.first(slots_.event);
      auto text = ev ? JsonRecord::scalar_text(*ev) : std::nullopt;
      if (text) name = trim(*text);
      if (name.empty())
        return report(fmt::format("missing the event name (field {})", quoted_list(plan_.event.names)));
    }

    const JsonVal* tv = rec_.first(slots_.time);
    if (!tv) return report(fmt::format("missing the timestamp (field {})", quoted_list(plan_.time.names)));
    auto time_text = JsonRecord::scalar_text(*tv);
    std::optional<double> ts;
    if (tv->kind != JsonKind::Bool && time_text) ts = time_.parse(*time_text);
    if (!ts)
      return report(fmt::format("field '{}': {}", present_name(rec_, slots_.time, plan_.time),
                                time_text ? time_.failure(*time_text)
                                          : fmt::format("cannot parse a JSON array or object as a timestamp (expected {})",
                                                        time_.expected())));

    const JsonVal* uv = rec_.first(slots_.user);
    // Only strings and numbers are ids; true/false is not anyone's id.
    auto user_text = uv && uv->kind != JsonKind::Bool ? JsonRecord::scalar_text(*uv) : std::nullopt;
    std::string_view user = user_text ? read_user_id(*user_text, ctx_.stats, id_error_) : std::string_view();
    if (!id_error_.empty()) return report(id_error_);
    if (user.empty()) {
      ++ctx_.stats.missing_user;
      return Ok{};
    }

    uint16_t type;
    size_t row = builder_.add(out, user, name, *ts, line_.number, type);
    if (type == kUnknownEvent) return Ok{};
    for (const auto& t : plan_.by_event[type]) {
      const auto& slots = slots_.props[static_cast<size_t>(t.field)];
      const JsonVal* v = rec_.first(slots);
      if (!v) continue;
      conv_.at(lines_.name(), line_.number, present_name(rec_, slots, plan_.props[static_cast<size_t>(t.field)]));
      double value;
      if (rec_.convert(*v, t.type, conv_, value)) EventBuilder::set(out, row, t.column, value);
    }
    return Ok{};
  }

  std::unique_ptr<ChunkBuffer> buf_;
  LineSource lines_;
  FieldMapping mapping_;
  IngestContext& ctx_;
  IngestPlan plan_;
  JsonRecord rec_;
  JsonSlots slots_;
  EventBuilder builder_;
  ValueConverter conv_;
  TimeParser time_;
  BadLinePolicy bad_;
  Line line_;
  std::string error_, id_error_;
};

}  // namespace

Expected<std::unique_ptr<EventReader>> make_ndjson_event_reader(std::unique_ptr<ChunkBuffer> buf,
                                                                const FieldMapping& mapping, IngestContext& ctx) {
  return std::unique_ptr<EventReader>(new NdjsonEventReader(std::move(buf), mapping, ctx));
}

}  // namespace scorec::runtime
