#include "runtime/io/field_mapping.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "support/text.h"
#include "support/time.h"

namespace scorec::runtime {

const std::vector<std::string>& mapping_keys() {
  static const std::vector<std::string> keys = {"format",   "user",        "event",     "event_name",
                                                "time",     "time_format", "timezone",  "delimiter",
                                                "list_separator", "csv_quotes"};
  return keys;
}

namespace {

Error bad(std::string_view key, std::string msg) {
  return Error{fmt::format("mapping '{}': {}", key, msg), ""};
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One separator character: a literal character, or a name for the invisible ones.
Expected<char> one_char(std::string_view key, std::string_view v) {
  if (v == "tab" || v == "\\t") return '\t';
  if (v == "space") return ' ';
  if (v.size() != 1) return bad(key, fmt::format("expected one character (or `tab`), got '{}'", v));
  if (v[0] == '"' || v[0] == '\n' || v[0] == '\r')
    return bad(key, fmt::format("'{}' cannot be a separator", v == "\"" ? "\"" : "line break"));
  return v[0];
}

}  // namespace

Status FieldMapping::apply(std::string_view key, std::string_view value) {
  key = trim(key);
  if (key.empty()) return bad(key, "empty key");

  // Keys that name a declared entity: prop.NAME, attr.NAME, alias.EVENT.
  auto named = [&](std::string_view prefix) -> std::optional<std::string> {
    if (!starts_with(key, prefix)) return std::nullopt;
    return std::string(key.substr(prefix.size()));
  };
  if (auto name = named("prop.")) {
    if (name->empty()) return bad(key, "expected prop.NAME");
    if (value.empty()) return bad(key, "empty field name");
    prop_fields[*name] = std::string(value);
    return Ok{};
  }
  if (auto name = named("attr.")) {
    if (name->empty()) return bad(key, "expected attr.NAME");
    if (value.empty()) return bad(key, "empty field name");
    attr_fields[*name] = std::string(value);
    return Ok{};
  }
  if (auto name = named("alias.")) {
    if (name->empty()) return bad(key, "expected alias.EVENT");
    if (value.empty()) return bad(key, "empty input event name");
    auto [it, fresh] = event_aliases.emplace(std::string(value), *name);
    if (!fresh && it->second != *name)
      return bad(key, fmt::format("input event '{}' already means '{}'", value, it->second));
    return Ok{};
  }

  if (key == "format") {
    auto v = lower(value);
    if (v == "csv") format = InputFormat::Csv;
    else if (v == "ndjson" || v == "jsonl" || v == "json") format = InputFormat::Ndjson;
    else if (v == "auto") format = InputFormat::Auto;
    else return bad(key, fmt::format("expected csv or ndjson, got '{}'", value));
    return Ok{};
  }
  if (key == "user" || key == "event" || key == "event_name" || key == "time") {
    if (value.empty()) return bad(key, "empty value");
    std::string v(value);
    if (key == "user") user_field = v;
    else if (key == "event") event_field = v;
    else if (key == "event_name") event_constant = v;
    else time_field = v;
    return Ok{};
  }
  if (key == "time_format") {
    auto v = lower(value);
    if (v == "auto") time_format = TimeFormat::Auto;
    else if (v == "iso" || v == "iso8601") time_format = TimeFormat::Iso8601;
    else if (v == "epoch_s" || v == "epoch" || v == "unix") time_format = TimeFormat::EpochSeconds;
    else if (v == "epoch_ms" || v == "unix_ms") time_format = TimeFormat::EpochMillis;
    else if (value.find('%') != std::string_view::npos) {
      time_format = TimeFormat::Pattern;
      time_pattern = std::string(value);
    } else {
      return bad(key, fmt::format("expected iso, epoch_s, epoch_ms or a pattern like %Y-%m-%d %H:%M:%S, got '{}'",
                                  value));
    }
    return Ok{};
  }
  if (key == "timezone") {
    auto off = parse_utc_offset(trim(value));
    if (!off) return bad(key, fmt::format("expected UTC or an offset like +01:00, got '{}'", value));
    utc_offset_seconds = *off;
    return Ok{};
  }
  if (key == "delimiter" || key == "list_separator") {
    auto c = one_char(key, value);
    if (!c) return c.error();
    (key == "delimiter" ? delimiter : list_separator) = *c;
    return Ok{};
  }

  if (key == "csv_quotes") {
    auto v = lower(value);
    if (v != "strict" && v != "lenient") return bad(key, fmt::format("expected strict or lenient, got '{}'", value));
    csv_lenient_quotes = v == "lenient";
    return Ok{};
  }

  std::string msg = "unknown key";
  if (auto hint = closest_match(key, mapping_keys())) msg += fmt::format(" (did you mean '{}'?)", *hint);
  else msg += "; keys are format, user, event, event_name, time, time_format, timezone, delimiter, "
             "list_separator, csv_quotes, prop.NAME, attr.NAME, alias.EVENT";
  return bad(key, msg);
}

Status FieldMapping::apply_option(std::string_view kv) {
  auto eq = kv.find('=');
  if (eq == std::string_view::npos)
    return Error{fmt::format("mapping '{}': expected key=value", kv), ""};
  return apply(trim(kv.substr(0, eq)), trim(kv.substr(eq + 1)));
}

namespace {

// The whole mapping file, bounded: --mapping /dev/zero must not read forever.
Expected<std::string> read_mapping_text(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open mapping file", path};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
    ::close(fd);
    return Error{S_ISDIR(st.st_mode) ? "is a directory, not a mapping file"
                                     : "cannot read a mapping file from a device; give a file (or a pipe)",
                 path};
  }
  std::string text;
  char block[64 * 1024];
  for (;;) {
    ssize_t got = ::read(fd, block, sizeof block);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int err = errno;
      ::close(fd);
      return Error{fmt::format("cannot read mapping file: {}", std::strerror(err)), path};
    }
    if (got == 0) break;
    text.append(block, static_cast<size_t>(got));
    if (text.size() > kMaxMappingFile) {
      ::close(fd);
      return Error{fmt::format("larger than {} MiB; a mapping file is a few `key = value` lines", kMaxMappingFile >> 20),
                   path};
    }
  }
  ::close(fd);
  return text;
}

}  // namespace

Expected<FieldMapping> load_mapping_file(const std::string& path) {
  auto text = read_mapping_text(path);
  if (!text) return text.error();
  FieldMapping m;
  size_t settings = 0;
  int64_t lineno = 0;
  std::string_view unread = *text;
  while (!unread.empty()) {
    // One line: up to LF, CRLF or a lone CR.
    size_t end = unread.find_first_of("\r\n");
    std::string_view raw = unread.substr(0, end);
    bool crlf = end != std::string_view::npos && unread.substr(end, 2) == "\r\n";
    unread.remove_prefix(end == std::string_view::npos ? unread.size() : end + (crlf ? 2 : 1));
    ++lineno;
    if (raw.find('\0') != std::string_view::npos)
      return Error{"a NUL byte: a mapping file is text of `key = value` lines", path, lineno};
    std::string_view line = raw;
    if (lineno == 1 && starts_with(line, "\xEF\xBB\xBF")) line.remove_prefix(3);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return Error{"expected `key = value`", path, lineno};
    std::string_view key = trim(line.substr(0, eq));
    std::string_view rest = trim(line.substr(eq + 1));
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      // A quoted value keeps its spaces and '#'; \" and \\ are its only escapes.
      size_t i = 1;
      bool closed = false;
      for (; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == '\\' && i + 1 < rest.size() && (rest[i + 1] == '"' || rest[i + 1] == '\\')) {
          value += rest[++i];
        } else if (c == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return Error{"unterminated quoted value", path, lineno};
      auto tail = trim(rest.substr(i));
      if (!tail.empty() && tail.front() != '#')
        return Error{fmt::format("unexpected text after the quoted value: '{}'", tail), path, lineno};
    } else {
      // An unquoted value ends at a comment: " #" (a '#' inside a word stays).
      size_t hash = std::string_view::npos;
      for (size_t i = 1; i < rest.size(); ++i)
        if (rest[i] == '#' && (rest[i - 1] == ' ' || rest[i - 1] == '\t')) {
          hash = i;
          break;
        }
      value = std::string(trim(rest.substr(0, hash)));
    }
    auto st = m.apply(key, value);
    if (!st) return Error{st.error().message, path, lineno};
    ++settings;
  }
  if (settings == 0) return Error{"no `key = value` lines; an empty mapping file is probably the wrong file", path};
  return m;
}

InputFormat format_from_path(std::string_view path) {
  std::string p = lower(path);
  std::string_view v = p;
  if (v.size() > 3 && v.substr(v.size() - 3) == ".gz") v.remove_suffix(3);
  auto ends = [&](std::string_view s) { return v.size() >= s.size() && v.substr(v.size() - s.size()) == s; };
  if (ends(".csv") || ends(".tsv")) return InputFormat::Csv;
  if (ends(".ndjson") || ends(".jsonl") || ends(".json")) return InputFormat::Ndjson;
  return InputFormat::Auto;
}

}  // namespace scorec::runtime
