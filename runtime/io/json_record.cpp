#include "runtime/io/json_record.h"

#include <fmt/format.h>

#include "runtime/io/reader_common.h"
#include "support/text.h"

namespace scorec::runtime {
namespace ond = simdjson::ondemand;

namespace {

std::string json_error(simdjson::error_code e) { return fmt::format("invalid JSON ({})", simdjson::error_message(e)); }

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

JsonRecord::JsonRecord() { nodes_.emplace_back(); }

int JsonRecord::add_path(std::string_view path) {
  const std::string_view full = path;
  int node = 0;
  for (;;) {
    auto dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    auto it = nodes_[static_cast<size_t>(node)].find(key);
    if (it == nodes_[static_cast<size_t>(node)].end())
      it = nodes_[static_cast<size_t>(node)].emplace(std::string(key), Entry{}).first;
    // Every key on the path gets a slot, the ones before the last too ("properties"
    // of "properties.price"): walk() sees a second occurrence of any of them.
    if (it->second.slot < 0) {
      it->second.slot = static_cast<int>(vals_.size());
      vals_.emplace_back();
      paths_.emplace_back(full.substr(0, static_cast<size_t>(key.data() + key.size() - full.data())));
    }
    if (dot == std::string_view::npos) return it->second.slot;
    if (it->second.child < 0) {
      int child = static_cast<int>(nodes_.size());
      it->second.child = child;  // set before emplace_back: it may invalidate `it`
      nodes_.emplace_back();
    }
    node = nodes_[static_cast<size_t>(node)].find(key)->second.child;
    path.remove_prefix(dot + 1);
  }
}

std::vector<int> JsonRecord::add_paths(const std::vector<std::string>& paths) {
  std::vector<int> out;
  for (const auto& p : paths) out.push_back(add_path(p));
  return out;
}

bool JsonRecord::parse(const Line& line, std::string& error) {
  for (auto& v : vals_) v.kind = JsonKind::Missing;
  items_.clear();
  ond::document doc;
  if (auto e = parser_.iterate(line.text.data(), line.text.size(), line.capacity).get(doc)) {
    error = json_error(e);
    return false;
  }
  ond::object obj;
  if (auto e = doc.get_object().get(obj)) {
    error = e == simdjson::INCORRECT_TYPE ? "not a JSON object" : json_error(e);
    return false;
  }
  if (!walk(obj, 0, error)) return false;
  // On-demand parsing stops at the object's end; anything after it is a malformed line.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    error = "invalid JSON (text after the object)";
    return false;
  }
  return true;
}

bool JsonRecord::walk(ond::object obj, int node, std::string& error) {
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) {
      error = json_error(e);
      return false;
    }
    const Node& n = nodes_[static_cast<size_t>(node)];
    auto it = n.find(key);
    if (it == n.end()) continue;  // unwanted: on-demand skips the value unparsed
    Entry entry = it->second;
    if (vals_[static_cast<size_t>(entry.slot)].kind != JsonKind::Missing) {
      error = fmt::format("key '{}' appears twice in the object; which one is meant?", paths_[static_cast<size_t>(entry.slot)]);
      return false;
    }
    ond::value v;
    if (auto e = field.value().get(v)) {
      error = json_error(e);
      return false;
    }
    if (entry.child >= 0) {
      ond::json_type t;
      if (auto e = v.type().get(t)) {
        error = json_error(e);
        return false;
      }
      if (t == ond::json_type::object) {
        ond::object inner;
        if (auto e = v.get_object().get(inner)) {
          error = json_error(e);
          return false;
        }
        vals_[static_cast<size_t>(entry.slot)].kind = JsonKind::Object;
        if (!walk(inner, entry.child, error)) return false;
        continue;
      }
    }
    if (!capture(v, vals_[static_cast<size_t>(entry.slot)], error)) return false;
  }
  return true;
}

bool JsonRecord::capture(ond::value v, JsonVal& out, std::string& error) {
  ond::json_type t;
  simdjson::error_code e = v.type().get(t);
  if (!e) {
    switch (t) {
      case ond::json_type::string:
        out.kind = JsonKind::String;
        e = v.get_string().get(out.text);
        break;
      case ond::json_type::number: {
        // Kept as written: an id of 20 digits or "17850.0" must survive as text; the
        // double parse only validates it.
        out.kind = JsonKind::Number;
        out.text = rtrim(v.raw_json_token());
        double d;
        e = v.get_double().get(d);
        break;
      }
      case ond::json_type::boolean:
        out.kind = JsonKind::Bool;
        e = v.get_bool().get(out.boolean);
        break;
      case ond::json_type::null: {
        bool is_null = false;
        e = v.is_null().get(is_null);
        if (!e && !is_null) e = simdjson::N_ATOM_ERROR;
        out.kind = JsonKind::Null;
        break;
      }
      case ond::json_type::object:
        out.kind = JsonKind::Object;  // left unparsed: no declared type holds an object
        break;
      case ond::json_type::array: {
        out.kind = JsonKind::Array;
        out.array_ok = true;
        out.items_begin = static_cast<uint32_t>(items_.size());
        ond::array arr;
        e = v.get_array().get(arr);
        if (e) break;
        for (auto el : arr) {
          ond::value item;
          if ((e = el.get(item))) break;
          ond::json_type it;
          if ((e = item.type().get(it))) break;
          std::string_view text;
          if (it == ond::json_type::string) {
            e = item.get_string().get(text);
          } else if (it == ond::json_type::number) {
            text = rtrim(item.raw_json_token());
            double d;
            e = item.get_double().get(d);
          } else if (it == ond::json_type::boolean) {
            bool b;
            e = item.get_bool().get(b);
            text = b ? "true" : "false";
          } else if (it == ond::json_type::null) {
            bool is_null;
            e = item.is_null().get(is_null);
            continue;  // [a, null] lists a only
          } else {
            out.array_ok = false;  // nested structure: skipped, and the value counts as bad
            continue;
          }
          if (e) break;
          items_.push_back(text);
        }
        out.items_end = static_cast<uint32_t>(items_.size());
        break;
      }
    }
  }
  if (e) {
    error = json_error(e);
    return false;
  }
  return true;
}

const JsonVal* JsonRecord::first(const std::vector<int>& slots) const {
  for (int s : slots) {
    const JsonVal& v = vals_[static_cast<size_t>(s)];
    if (v.present()) return &v;
  }
  return nullptr;
}

std::optional<std::string_view> JsonRecord::scalar_text(const JsonVal& v) {
  switch (v.kind) {
    case JsonKind::String:
    case JsonKind::Number: return v.text;
    case JsonKind::Bool: return v.boolean ? std::string_view("true") : std::string_view("false");
    default: return std::nullopt;
  }
}

bool JsonRecord::convert(const JsonVal& v, ir::Type type, ValueConverter& conv, double& out) {
  switch (v.kind) {
    case JsonKind::Missing:
    case JsonKind::Null: return false;
    case JsonKind::String: return conv.from_json_string(v.text, type, out);
    case JsonKind::Number: return conv.from_text(v.text, type, out);
    case JsonKind::Bool: return conv.from_json_bool(v.boolean, type, out);
    case JsonKind::Array:
      item_scratch_.assign(items_.begin() + v.items_begin, items_.begin() + v.items_end);
      return conv.from_json_array(item_scratch_, v.array_ok, type, out);
    case JsonKind::Object: return conv.bad("{...}", type);
  }
  return false;
}

JsonSlots::JsonSlots(JsonRecord& rec, const IngestPlan& plan) {
  type = rec.add_path("type");
  user = rec.add_paths(plan.user.names);
  event = rec.add_paths(plan.event.names);
  time = rec.add_paths(plan.time.names);
  for (const auto& p : plan.props) props.push_back(rec.add_paths(p.names));
  for (const auto& a : plan.attrs) attrs.push_back(rec.add_paths(a.names));
}

std::string_view present_name(const JsonRecord& rec, const std::vector<int>& slots, const FieldSpec& spec) {
  for (size_t i = 0; i < slots.size(); ++i)
    if (rec.get(slots[i]).present()) return spec.names[i];
  return spec.names.front();
}

SegmentType segment_type(const JsonRecord& rec, const JsonSlots& slots) {
  const JsonVal& t = rec.get(slots.type);
  if (t.kind != JsonKind::String) return SegmentType::None;
  // Only Segment's own message types are envelopes; any other "type" is ordinary data.
  if (t.text == "track") return SegmentType::Track;
  if (t.text == "identify") return SegmentType::Identify;
  if (t.text == "page") return SegmentType::Page;
  if (t.text == "screen") return SegmentType::Screen;
  if (t.text == "alias") return SegmentType::Alias;
  if (t.text == "group") return SegmentType::Other;
  return SegmentType::None;
}

Expected<bool> apply_json_profile(JsonRecord& rec, const JsonSlots& slots, const IngestPlan& plan,
                                  ValueConverter& conv, IngestContext& ctx, std::string_view file, uint64_t line) {
  const JsonVal* u = rec.first(slots.user);
  auto text = u && u->kind != JsonKind::Bool ? JsonRecord::scalar_text(*u) : std::nullopt;
  std::string id_error;
  std::string_view id = text ? read_user_id(*text, ctx.stats, id_error) : std::string_view();
  if (!id_error.empty()) return Error{id_error, ""};
  if (id.empty()) return false;
  auto user = ctx.user(id, line);
  if (!user || !ctx.apply_profiles) return true;
  for (size_t a = 0; a < plan.attrs.size(); ++a) {
    const JsonVal* v = rec.first(slots.attrs[a]);
    if (!v) continue;
    conv.at(file, line, present_name(rec, slots.attrs[a], plan.attrs[a]));
    double value;
    if (rec.convert(*v, ctx.schema.profile[a].type, conv, value)) ctx.profiles.set(*user, a, value);
  }
  ++ctx.stats.profiles_read;
  return true;
}

}  // namespace scorec::runtime
