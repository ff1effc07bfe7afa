#include "runtime/io/event_builder.h"

namespace scorec::runtime {

EventBuilder::EventBuilder(IngestContext& ctx, const FieldMapping& mapping)
    : ctx_(ctx), event_names_(ctx.schema, mapping) {
  ctx_.stats.events_by_type.resize(ctx_.schema.events.size(), 0);
}

EventBuilder::Resolved EventBuilder::resolve(std::string_view name) {
  auto it = names_.find(name);
  if (it != names_.end()) return it->second;
  std::string key(name);
  EventNames::Match m = event_names_.resolve(name);
  Resolved r{kUnknownEvent, nullptr, nullptr};
  if (m.type >= 0 && m.type < kUnknownEvent) {
    r.type = static_cast<uint16_t>(m.type);
    if (m.by_key) {
      auto& read_as = ctx_.stats.names_read_as[key];
      read_as.type = r.type;
      r.read_as_count = &read_as.count;
    }
  } else {
    r.unknown_count = &ctx_.stats.unknown_by_name[key];
  }
  names_.emplace(std::move(key), r);
  return r;
}

size_t EventBuilder::add(EventBatch& batch, std::string_view user_id, std::string_view event_name, double ts,
                         uint64_t line, uint16_t& type) {
  ++ctx_.stats.events_read;
  // Every partition takes its default as-of time from the whole file, and sees which
  // event types the whole file holds (the run's data checks).
  if (ts > ctx_.stats.max_ts) ctx_.stats.max_ts = ts;
  Resolved r = resolve(event_name);
  if (r.unknown_count) ++*r.unknown_count;
  else ++ctx_.stats.events_by_type[r.type];
  if (r.read_as_count) ++*r.read_as_count;
  if (!have_last_user_ || user_id != last_user_) {
    last_user_.assign(user_id);
    last_user_ix_ = ctx_.user(user_id, line);
    have_last_user_ = true;
  } else if (!last_user_ix_) {
    ++ctx_.stats.other_partition;
  }
  if (!last_user_ix_) {
    type = kUnknownEvent;
    return kSkipped;
  }
  type = r.type;
  if (r.unknown_count) ++ctx_.stats.unknown_events;

  size_t row = batch.user.size();
  batch.user.push_back(*last_user_ix_);
  batch.type.push_back(type);
  batch.ts.push_back(ts);
  batch.line.push_back(line);
  for (auto& c : batch.columns) c.push(0.0, false);
  return row;
}

}  // namespace scorec::runtime
