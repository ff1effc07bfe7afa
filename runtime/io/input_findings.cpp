#include "runtime/io/input_findings.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/text.h"

namespace scorec::runtime {
namespace {

// Exporters write one event as `Email Opened`, `email-opened` or `EmailOpened`; the
// hint compares names in one spelling (support/text.h).
std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& names) {
  std::vector<std::string> keys;
  for (const auto& n : names) keys.push_back(event_name_key(n));
  std::string key = event_name_key(word);
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return names[i];
  auto hit = closest_match(key, keys);
  if (!hit) return std::nullopt;
  return names[static_cast<size_t>(std::find(keys.begin(), keys.end(), *hit) - keys.begin())];
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

InputFindings find_input_findings(const IngestStats& events, const IngestStats& profiles, const ir::Schema& schema,
                                  bool events_read) {
  InputFindings f;
  f.bad_values = events.bad_values + profiles.bad_values;
  std::vector<std::string> declared, undeclared;
  for (const auto& e : schema.events) declared.push_back(e.name);
  for (const auto& [name, count] : events.unknown_by_name) {
    f.undeclared.push_back({name, count, closest_name(name, declared)});
    undeclared.push_back(name);
  }
  std::stable_sort(f.undeclared.begin(), f.undeclared.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
  if (events_read)
    for (size_t t = 0; t < schema.events.size(); ++t)
      if (!schema.events[t].imported && (t >= events.events_by_type.size() || events.events_by_type[t] == 0))
        f.absent.push_back({schema.events[t].name, closest_name(schema.events[t].name, undeclared)});
  return f;
}

std::string format_input_findings(const InputFindings& f, const IngestStats& events, const IngestStats& profiles) {
  std::string out;
  if (!f.undeclared.empty()) {
    std::string list;
    for (const auto& u : f.undeclared) {
      list += fmt::format("{}'{}' ({})", list.empty() ? "" : ", ", u.name, u.count);
      if (u.meant) list += fmt::format(" did you mean '{}'? (--map 'alias.{}={}')", *u.meant, *u.meant, u.name);
    }
    out += fmt::format("summary: event types the rules do not declare (scored nothing): {}\n", list);
  }
  if (!f.absent.empty()) {
    std::string list;
    for (const auto& a : f.absent) {
      list += fmt::format("{}'{}'", list.empty() ? "" : ", ", a.name);
      if (a.seen_as) list += fmt::format(" (the input has '{}')", *a.seen_as);
    }
    out += fmt::format("summary: declared event types the input never contained: {}\n", list);
  }
  if (f.bad_values > 0) {
    size_t shown = 0;
    for (const auto* st : {&profiles, &events})
      for (const auto& b : st->bad_value_samples) {
        out += fmt::format("summary: bad value at {}:{}, column '{}' ({}): '{}'\n", b.file, b.line, b.column,
                           b.expected, b.text);
        ++shown;
      }
    if (f.bad_values > shown) {
      std::string by;
      for (const auto* st : {&profiles, &events})
        for (const auto& [column, n] : st->bad_values_by_column)
          by += fmt::format("{}'{}' {}", by.empty() ? "" : ", ", column, n);
      out += fmt::format("summary: and {} more bad values (by column: {})\n", f.bad_values - shown, by);
    }
  }
  return out;
}

std::string strict_failure(const InputFindings& f) {
  std::vector<std::string> parts;
  if (!f.undeclared.empty()) parts.push_back(plural(f.undeclared.size(), "event type in the input is", "event types in the input are") + " not declared");
  if (!f.absent.empty()) parts.push_back(plural(f.absent.size(), "declared event type", "declared event types") + " never occurred");
  if (f.bad_values > 0) parts.push_back(plural(f.bad_values, "value is", "values are") + " not of the declared type");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
  return "--strict: " + out + " (see the summary above)";
}

}  // namespace scorec::runtime
