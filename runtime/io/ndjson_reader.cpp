// NDJSON events: plain event objects and Segment-spec messages, one per line. `track`
// lines and plain objects are events; `page` and `screen` calls are events named
// `page` and `screen` when the rules declare them; `identify` lines update profiles;
// other page and screen calls, group and alias messages are counted and skipped.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/io/event_builder.h"
#include "runtime/io/json_record.h"
#include "runtime/io/reader_common.h"
#include "runtime/io/readers.h"
#include "support/text.h"
#include "support/time.h"

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
        skew_time_(mapping_),
        bad_(ctx) {
    // Segment's clock-skew rule needs the device's and the server's times, read only
    // when the timestamp field is not mapped.
    if (!plan_.time.explicit_) {
      original_time_ = rec_.add_path("originalTimestamp");
      sent_at_ = rec_.add_path("sentAt");
      received_at_ = rec_.add_path("receivedAt");
    }
    if (!ctx_.keep_duplicates) message_id_ = rec_.add_path("messageId");
    if (ctx_.found_links) {
      anonymous_id_ = rec_.add_path("anonymousId");
      previous_id_ = rec_.add_path("previousId");
      segment_user_id_ = rec_.add_path("userId");
    }
    // In a Segment message the top level is the envelope: a property `type` or
    // `timestamp` is not the message's own type or time.
    static constexpr std::string_view kEnvelope[] = {
        "type",       "event",        "userId", "anonymousId", "messageId", "timestamp", "originalTimestamp",
        "sentAt",     "receivedAt",   "context", "integrations", "properties", "traits", "version",
        "channel",    "previousId",   "groupId"};
    for (size_t f = 0; f < plan_.props.size(); ++f) {
      FieldSpec spec = plan_.props[f];
      std::vector<int> slots;
      spec.names.clear();
      for (size_t i = 0; i < plan_.props[f].names.size(); ++i) {
        const std::string& n = plan_.props[f].names[i];
        if (!plan_.props[f].explicit_ && std::find(std::begin(kEnvelope), std::end(kEnvelope), n) != std::end(kEnvelope))
          continue;
        spec.names.push_back(n);
        slots.push_back(slots_.props[f][i]);
      }
      if (spec.names.empty()) spec.names = plan_.props[f].names;  // never empty: present_name reads the first
      segment_props_.push_back(std::move(spec));
      segment_prop_slots_.push_back(std::move(slots));
    }
  }

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
      ++ctx_.stats.records;
      auto st = read_line(out);
      if (!st) return st.error();
    }
    return out.size() > 0;
  }

 private:
  Status report(std::string message) { return bad_.report(lines_.name(), line_.number, std::move(message)); }

  // One line; the identity link it holds is listed when the line is read (not a bad
  // line skipped, not a retried copy).
  Status read_line(EventBatch& out) {
    const uint64_t skipped_before = ctx_.stats.skipped_bad;
    link_.reset();
    auto st = read_message(out);
    if (st && link_ && ctx_.stats.skipped_bad == skipped_before) ctx_.found_links->push_back(std::move(*link_));
    return st;
  }

  Status read_message(EventBatch& out) {
    if (!rec_.parse(line_, error_)) return report(error_);
    if (message_id_ >= 0 && !first_copy()) {
      ++ctx_.stats.duplicate_messages;
      return Ok{};
    }
    std::string_view name;
    const SegmentType segment = segment_type(rec_, slots_);
    if (ctx_.found_links) {
      if (auto st = note_link(segment); !st) return report(st.error().message);
      if (segment == SegmentType::Alias && link_) {
        ++ctx_.stats.alias_messages;
        return Ok{};
      }
    }
    switch (segment) {
      case SegmentType::Identify: {
        auto applied = apply_json_profile(rec_, slots_, plan_, conv_, ctx_, lines_.name(), line_.number);
        if (!applied) return report(applied.error().message);
        if (!*applied) ++ctx_.stats.missing_user;
        return Ok{};
      }
      case SegmentType::Alias:
      case SegmentType::Other:
        ++ctx_.stats.other_messages;
        return Ok{};
      case SegmentType::Page:
        name = "page";
        break;
      case SegmentType::Screen:
        name = "screen";
        break;
      case SegmentType::Track:
      case SegmentType::None:
        break;
    }

    if (!name.empty()) {
      // A page or screen call: named by its type, whatever the event field says. When
      // the rules do not declare it, it is skipped unread, as before page and screen
      // calls were events, and listed among the undeclared types.
      if (uint64_t* undeclared = builder_.undeclared_count(name)) {
        ++*undeclared;
        ++ctx_.stats.other_messages;
        return Ok{};
      }
    } else if (plan_.event_constant) {
      name = *plan_.event_constant;
    } else {
      const JsonVal* ev = rec_.first(slots_.event);
      auto text = ev ? JsonRecord::scalar_text(*ev) : std::nullopt;
      if (text) name = trim(*text);
      if (name.empty())
        return report(fmt::format("missing the event name (field {})", quoted_list(plan_.event.names)));
    }

    auto ts = event_time();
    if (!ts) return ts.error();
    if (!*ts) return Ok{};  // malformed, skipped (--skip-bad)

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
    size_t row = builder_.add(out, user, name, **ts, line_.number, type);
    if (type == kUnknownEvent) return Ok{};
    const bool envelope = segment != SegmentType::None;
    for (const auto& t : plan_.by_event[type]) {
      const auto f = static_cast<size_t>(t.field);
      const auto& slots = envelope ? segment_prop_slots_[f] : slots_.props[f];
      const JsonVal* v = rec_.first(slots);
      if (!v) continue;
      conv_.at(lines_.name(), line_.number, present_name(rec_, slots, envelope ? segment_props_[f] : plan_.props[f]));
      double value;
      if (rec_.convert(*v, t.type, conv_, value)) EventBuilder::set(out, row, t.column, value);
    }
    return Ok{};
  }

  // An id field of the identity link, as a user id is read (trimmed, `17850.0` as
  // `17850`); empty when absent or not a string or number.
  Expected<std::string_view> link_id(const JsonVal* v) {
    if (!v || v->kind == JsonKind::Bool) return std::string_view();
    auto text = JsonRecord::scalar_text(*v);
    if (!text) return std::string_view();
    IngestStats counted_where_the_id_is_read;  // a trimmed id counts once, as a user id
    std::string_view id = read_user_id(*text, counted_where_the_id_is_read, id_error_);
    if (!id_error_.empty()) return Error{id_error_, ""};
    return id;
  }

  // The identity link of a message (runtime/io/identity_map.h): an alias message's
  // previousId -> userId, or any message's anonymousId -> the user id it is read under,
  // when that is another field.
  Status note_link(SegmentType segment) {
    const JsonVal* from = nullptr;
    const JsonVal* to = nullptr;
    if (segment == SegmentType::Alias) {
      from = rec_.get(previous_id_).present() ? &rec_.get(previous_id_) : nullptr;
      to = rec_.get(segment_user_id_).present() ? &rec_.get(segment_user_id_) : nullptr;
    } else {
      from = rec_.get(anonymous_id_).present() ? &rec_.get(anonymous_id_) : nullptr;
      to = rec_.first(slots_.user);
      if (to == from) return Ok{};  // read under its anonymousId: nothing to link
    }
    if (!from || !to) return Ok{};
    auto f = link_id(from);
    if (!f) return f.error();
    std::string from_id(*f);
    auto t = link_id(to);
    if (!t) return t.error();
    if (from_id.empty() || t->empty() || from_id == *t) return Ok{};
    link_ = IdentityLink{std::move(from_id), std::string(*t)};
    return Ok{};
  }

  // The first line with its messageId (or one without an id): to be read.
  bool first_copy() {
    const JsonVal& v = rec_.get(message_id_);
    auto id = v.kind == JsonKind::String || v.kind == JsonKind::Number ? JsonRecord::scalar_text(v) : std::nullopt;
    if (!id || id->empty()) return true;
    MessageKey key = message_key(*id);
    if (ctx_.earlier_messages && ctx_.earlier_messages->contains(key)) return false;
    if (!seen_messages_.insert(key).second) return false;
    if (ctx_.block_messages) ctx_.block_messages->push_back(key);
    return true;
  }

  // A text field as a time; nullopt when absent, an Error naming it when it is not a time.
  Expected<std::optional<double>> time_field(int slot, const char* field, TimeParser& parser) {
    const JsonVal& v = rec_.get(slot);
    if (!v.present()) return std::optional<double>();
    auto text = v.kind == JsonKind::Bool ? std::nullopt : JsonRecord::scalar_text(v);
    std::optional<double> t;
    if (text) t = parser.parse(*text);
    if (!t)
      return Error{fmt::format("field '{}': {}", field,
                               text ? parser.failure(*text)
                                    : fmt::format("cannot parse a JSON array or object as a timestamp (expected {})",
                                                  parser.expected())),
                   ""};
    return t;
  }

  // The event's time: the timestamp field; else (Segment's clock-skew rule) the
  // device's `originalTimestamp` moved by `receivedAt - sentAt`, the server's view of
  // the device clock's error, when both are present. Ok(nullopt) when the line was
  // skipped as malformed.
  Expected<std::optional<double>> event_time() {
    auto fail = [&](std::string message) -> Expected<std::optional<double>> {
      auto st = report(std::move(message));
      if (!st) return st.error();
      return std::optional<double>();
    };
    const JsonVal* tv = rec_.first(slots_.time);
    if (!tv && original_time_ >= 0 && rec_.get(original_time_).present()) {
      auto original = time_field(original_time_, "originalTimestamp", time_);
      if (!original) return fail(original.error().message);
      auto sent = time_field(sent_at_, "sentAt", skew_time_);
      if (!sent) return fail(sent.error().message);
      auto received = time_field(received_at_, "receivedAt", skew_time_);
      if (!received) return fail(received.error().message);
      double t = **original;
      if (*sent && *received) t += **received - **sent;
      if (!time_in_range(t))
        return fail(fmt::format("field 'originalTimestamp': corrected by receivedAt - sentAt, the time is outside the "
                                "range scorec represents ({})", time_range_text()));
      return std::optional<double>(t);
    }
    if (!tv) {
      auto names = plan_.time.names;
      if (original_time_ >= 0) names.push_back("originalTimestamp");
      return fail(fmt::format("missing the timestamp (field {})", quoted_list(names)));
    }
    auto time_text = JsonRecord::scalar_text(*tv);
    std::optional<double> ts;
    if (tv->kind != JsonKind::Bool && time_text) ts = time_.parse(*time_text);
    if (!ts)
      return fail(fmt::format("field '{}': {}", present_name(rec_, slots_.time, plan_.time),
                              time_text ? time_.failure(*time_text)
                                        : fmt::format("cannot parse a JSON array or object as a timestamp (expected {})",
                                                      time_.expected())));
    return ts;
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
  TimeParser skew_time_;  // sentAt and receivedAt (time_ remembers the last event time)
  BadLinePolicy bad_;
  int original_time_ = -1, sent_at_ = -1, received_at_ = -1, message_id_ = -1;  // slots; -1: not read
  int anonymous_id_ = -1, previous_id_ = -1, segment_user_id_ = -1;             // identity links
  std::optional<IdentityLink> link_;  // the line's, listed once the line is read
  MessageKeySet seen_messages_;
  // The properties of Segment messages: as plan_.props, without top-level envelope fields.
  std::vector<FieldSpec> segment_props_;
  std::vector<std::vector<int>> segment_prop_slots_;
  Line line_;
  std::string error_, id_error_;
};

}  // namespace

Expected<std::unique_ptr<EventReader>> make_ndjson_event_reader(std::unique_ptr<ChunkBuffer> buf,
                                                                const FieldMapping& mapping, IngestContext& ctx) {
  return std::unique_ptr<EventReader>(new NdjsonEventReader(std::move(buf), mapping, ctx));
}

}  // namespace scorec::runtime
