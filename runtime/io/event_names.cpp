#include "runtime/io/event_names.h"

#include "support/text.h"

namespace scorec::runtime {

EventNames::EventNames(const ir::Schema& schema, const FieldMapping& mapping) : schema_(schema), mapping_(mapping) {
  for (size_t t = 0; t < schema.events.size(); ++t) {
    auto [it, fresh] = by_key_.emplace(event_name_key(schema.events[t].name), static_cast<int>(t));
    if (!fresh) it->second = -2;
  }
}

EventNames::Match EventNames::resolve(std::string_view name) const {
  auto alias = mapping_.event_aliases.find(std::string(name));
  if (alias != mapping_.event_aliases.end()) return {schema_.find_event(alias->second), false};
  if (int t = schema_.find_event(name); t >= 0) return {t, false};
  auto it = by_key_.find(event_name_key(name));
  if (it == by_key_.end() || it->second < 0) return {};
  return {it->second, true};
}

}  // namespace scorec::runtime
