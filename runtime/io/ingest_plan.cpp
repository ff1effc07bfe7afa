#include "runtime/io/ingest_plan.h"

#include <map>

#include <fmt/format.h>

#include "runtime/io/event_names.h"

namespace scorec::runtime {
namespace {

FieldSpec spec(const std::optional<std::string>& given, std::vector<std::string> defaults, std::string what,
               std::string key) {
  FieldSpec s;
  s.what = std::move(what);
  s.key = std::move(key);
  if (given) {
    s.names = {*given};
    s.explicit_ = true;
  } else {
    s.names = std::move(defaults);
  }
  return s;
}

// Where Segment and RudderStack messages keep the context a rule may read as a
// property: the page a page call (or a browser track call) was made on, and the UTM
// campaign parameters, which Segment stores without their `utm_` (utm_campaign as
// `name`). Tried after `properties.NAME` and NAME (docs/input.md).
std::optional<std::string> context_path(std::string_view prop) {
  static constexpr std::pair<std::string_view, std::string_view> kPaths[] = {
      {"path", "context.page.path"},           {"url", "context.page.url"},
      {"title", "context.page.title"},         {"referrer", "context.page.referrer"},
      {"search", "context.page.search"},       {"utm_source", "context.campaign.source"},
      {"utm_medium", "context.campaign.medium"}, {"utm_campaign", "context.campaign.name"},
      {"utm_term", "context.campaign.term"},   {"utm_content", "context.campaign.content"},
      {"locale", "context.locale"},            {"timezone", "context.timezone"},
      {"user_agent", "context.userAgent"},     {"ip", "context.ip"},
  };
  for (const auto& [name, path] : kPaths)
    if (name == prop) return std::string(path);
  return std::nullopt;
}

}  // namespace

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += fmt::format("'{}'", names[i]);
  }
  return out;
}

IngestPlan make_plan(const ir::Schema& schema, const FieldMapping& m, bool ndjson) {
  IngestPlan p;
  // The same fallbacks serve CSV too: a CSV export with a `userId` or `event_type`
  // column then needs no mapping. Segment messages without userId carry anonymousId.
  p.user = spec(m.user_field,
                ndjson ? std::vector<std::string>{"user_id", "userId", "user", "anonymousId"}
                       : std::vector<std::string>{"user_id", "userId", "user"},
                "the user id", "user");
  p.event = spec(m.event_field, {"event", "event_type"}, "the event name", "event");
  p.time = spec(m.time_field, {"timestamp", "time", "event_time", "ts"}, "the timestamp", "time");
  p.event_constant = m.event_constant;

  std::map<std::string, int> prop_index;
  p.by_event.resize(schema.events.size());
  for (size_t e = 0; e < schema.events.size(); ++e) {
    for (const auto& prop : schema.events[e].props) {
      auto [it, fresh] = prop_index.emplace(prop.name, static_cast<int>(p.props.size()));
      if (fresh) {
        auto mapped = m.prop_fields.find(prop.name);
        std::optional<std::string> given;
        if (mapped != m.prop_fields.end()) given = mapped->second;
        // Segment puts event properties under `properties`; it wins over a top-level
        // field of the same name, which in a Segment message may be an envelope field.
        std::vector<std::string> names{prop.name};
        if (ndjson) {
          names.insert(names.begin(), "properties." + prop.name);
          if (auto ctx = context_path(prop.name)) names.push_back(*ctx);
        }
        p.props.push_back(spec(given, std::move(names), fmt::format("property '{}'", prop.name), "prop." + prop.name));
      }
      if (prop.column >= 0) p.by_event[e].push_back(PropTarget{it->second, prop.column, prop.type});
    }
  }
  for (const auto& attr : schema.profile) {
    auto mapped = m.attr_fields.find(attr.name);
    std::optional<std::string> given;
    if (mapped != m.attr_fields.end()) given = mapped->second;
    p.attrs.push_back(spec(given,
                           ndjson ? std::vector<std::string>{"traits." + attr.name, attr.name}
                                  : std::vector<std::string>{attr.name},
                           fmt::format("attribute '{}'", attr.name), "attr." + attr.name));
  }
  return p;
}

}  // namespace scorec::runtime

namespace scorec::runtime {

std::vector<std::string> mapping_warnings(const ir::Schema& schema, const FieldMapping& m) {
  std::vector<std::string> out;
  for (const auto& [name, field] : m.prop_fields) {
    bool declared = false;
    for (const auto& e : schema.events) declared = declared || e.find_prop(name) != nullptr;
    if (!declared) out.push_back(fmt::format("mapping prop.{}: no event declares a property '{}'", name, name));
  }
  for (const auto& [name, field] : m.attr_fields)
    if (schema.find_attr(name) < 0)
      out.push_back(fmt::format("mapping attr.{}: the profile declares no attribute '{}'", name, name));
  for (const auto& [input, event] : m.event_aliases)
    if (schema.find_event(event) < 0)
      out.push_back(fmt::format("mapping alias.{}: no event '{}' is declared", event, event));
  if (m.event_constant && EventNames(schema, m).resolve(*m.event_constant).type < 0 &&
      !m.event_aliases.count(*m.event_constant))
    out.push_back(fmt::format("mapping event_name: no event '{}' is declared", *m.event_constant));
  return out;
}

}  // namespace scorec::runtime
