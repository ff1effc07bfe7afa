// The C ABI (scorec/scorec.h) over the C++ library: argument checks, conversions
// between the C structs and the C++ types, and error codes. Every entry point runs its
// body under capi::guard so that no exception crosses into C. The compile functions
// live in c_api_compile.cpp (the full library only).
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <type_traits>

#include "api/c_api_internal.h"

#ifndef SCOREC_VERSION
#define SCOREC_VERSION "0.0.0"
#endif

scorec_rules::scorec_rules(scorec::Rules r) : rules(std::move(r)) {
  names[SCOREC_NAMES_SCORES] = rules.scores();
  names[SCOREC_NAMES_GRADES] = rules.grades();
  names[SCOREC_NAMES_SEGMENTS] = rules.segments();
  names[SCOREC_NAMES_EVENT_TYPES] = rules.event_types();
  names[SCOREC_NAMES_PROFILE_ATTRIBUTES] = rules.profile_attributes();
  names[SCOREC_NAMES_COLUMNS] = rules.columns();
}

struct scorec_scorer {
  scorec::Scorer scorer;
  // scorec_scorer_add_events: the C columns as views, reused from call to call.
  std::vector<std::string_view> users, types;
};

struct scorec_user_result {
  scorec::UserResult result;
};

struct scorec_results {
  scorec::ResultTable table;
};

namespace scorec::capi {
namespace {

// This thread's last error. `fixed` replaces the message when storing it failed (out of
// memory), so scorec_last_error always has something true to say.
struct LastError {
  std::string message;
  std::vector<Diagnostic> diagnostics;
  const char* fixed = nullptr;
};

LastError& last() noexcept {
  thread_local LastError error;
  return error;
}

scorec_status store(scorec_status status, const std::string& message, const std::vector<Diagnostic>* diags) noexcept {
  auto& e = last();
  try {
    e.fixed = nullptr;
    e.diagnostics.clear();
    e.message = message;
    if (diags) e.diagnostics = *diags;
  } catch (...) {
    e.diagnostics.clear();
    e.fixed = "out of memory (while recording an error)";
  }
  return status;
}

}  // namespace

scorec_status fail(scorec_status status, const std::string& message) noexcept {
  return store(status, message, nullptr);
}

scorec_status fail(scorec_status status, const Error& error) noexcept {
  try {
    return store(status, error.str(), &error.diagnostics);
  } catch (...) {
    return out_of_memory("scorec");
  }
}

scorec_status out_of_memory(const char* fn) noexcept {
  (void)fn;
  auto& e = last();
  e.diagnostics.clear();
  e.fixed = "out of memory";
  return SCOREC_ERROR_NO_MEMORY;
}

scorec_status internal(const char* fn, const char* what) noexcept {
  try {
    return fail(SCOREC_ERROR_INTERNAL, std::string(fn) + ": internal error: " + what);
  } catch (...) {
    return out_of_memory(fn);
  }
}

scorec_status Call::null(const char* arg) const noexcept {
  try {
    return fail(SCOREC_ERROR_INPUT, std::string(fn) + ": the argument '" + arg + "' is NULL");
  } catch (...) {
    return out_of_memory(fn);
  }
}

scorec_status make_rules(Rules rules, scorec_rules** out) {
  *out = new scorec_rules(std::move(rules));
  return SCOREC_OK;
}

scorec_status check_readable(const char* path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail(SCOREC_ERROR_IO, std::string(path) + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(SCOREC_ERROR_IO, std::string(path) + ": cannot open: " + std::strerror(errno));
  return SCOREC_OK;
}

namespace {

// The integer a C caller passed for an enum. C lets any int through, but loading an
// out-of-range value as the C++ enum type is undefined (UBSan stops on it), so the
// enums coming in are read as their bytes.
template <class E>
long long raw(const E& e) {
  std::underlying_type_t<E> v;
  std::memcpy(&v, &e, sizeof v);
  return static_cast<long long>(v);
}

// A C value as the C++ Value; false (with the last error set) when it is malformed.
bool to_value(const Call& c, const scorec_value& in, Value& out, scorec_status& st) {
  switch (raw(in.kind)) {
    case SCOREC_VALUE_NULL:
      out = Value();
      return true;
    case SCOREC_VALUE_NUMBER:
      out = Value(in.as.number);
      return true;
    case SCOREC_VALUE_STRING:
      out = in.as.string ? Value(in.as.string) : Value();
      return true;
    case SCOREC_VALUE_BOOL:
      out = Value(in.as.boolean != 0);
      return true;
    case SCOREC_VALUE_LIST: {
      if (in.as.list.size > 0 && !in.as.list.items) {
        st = c.null("value.as.list.items");
        return false;
      }
      Value::List list;
      list.reserve(in.as.list.size);
      for (size_t i = 0; i < in.as.list.size; ++i) {
        if (!in.as.list.items[i]) {
          st = fail(SCOREC_ERROR_INPUT, std::string(c.fn) + ": list item " + std::to_string(i) + " is NULL");
          return false;
        }
        list.emplace_back(in.as.list.items[i]);
      }
      out = Value(std::move(list));
      return true;
    }
  }
  st = fail(SCOREC_ERROR_INPUT, std::string(c.fn) + ": unknown value kind " + std::to_string(raw(in.kind)));
  return false;
}

// C fields as C++ Fields (their names borrow the C strings).
bool to_fields(const Call& c, const char* arg, const scorec_field* in, size_t count, std::vector<Field>& out,
               scorec_status& st) {
  if (count > 0 && !in) {
    st = c.null(arg);
    return false;
  }
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    if (!in[i].name) {
      st = fail(SCOREC_ERROR_INPUT, std::string(c.fn) + ": field " + std::to_string(i) + " has a NULL name");
      return false;
    }
    out[i].name = in[i].name;
    if (!to_value(c, in[i].value, out[i].value, st)) return false;
  }
  return true;
}

ScorerOptions to_options(const scorec_scorer_options* in) {
  ScorerOptions o;
  if (!in) return o;
  o.engine = raw(in->engine) == SCOREC_ENGINE_INTERPRETER ? EngineKind::Interpreter : EngineKind::Native;
  o.partition = in->partition;
  o.partitions = in->partitions == 0 ? 1 : in->partitions;
  o.user_key_limit = in->user_key_limit;
  return o;
}

// What Scorer::create and load_state refuse before any file is read, checked here so
// that it is SCOREC_ERROR_INPUT rather than a state or I/O error.
scorec_status check_scorer_options(const Call& c, const scorec_rules& rules, const scorec_scorer_options* in) {
  if (in && raw(in->engine) != SCOREC_ENGINE_NATIVE && raw(in->engine) != SCOREC_ENGINE_INTERPRETER)
    return fail(SCOREC_ERROR_INPUT, std::string(c.fn) + ": unknown engine " + std::to_string(raw(in->engine)));
  ScorerOptions o = to_options(in);
  if (o.partition >= o.partitions)
    return fail(SCOREC_ERROR_INPUT, "partition " + std::to_string(o.partition) + " of " + std::to_string(o.partitions) +
                                        " does not exist; partitions are numbered 0 to N-1");
  if (o.engine == EngineKind::Native && !rules.rules.has_native())
    return fail(SCOREC_ERROR_INPUT,
                "these rules have no native code (compiled with no_jit); create the scorer with "
                "SCOREC_ENGINE_INTERPRETER, or compile them without no_jit");
  return SCOREC_OK;
}

ReadOptions to_read_options(const scorec_read_options* in) {
  ReadOptions o;
  if (!in) return o;
  if (in->mapping_file) o.mapping_file = in->mapping_file;
  o.skip_bad = in->skip_bad != 0;
  return o;
}

// The names of one kind, or null (with the last error set) for a kind that is not one.
const std::vector<std::string>* names_of(const Call& c, const scorec_rules& rules, const scorec_names& which,
                                         scorec_status& st) {
  const long long w = raw(which);
  if (w < SCOREC_NAMES_SCORES || w > SCOREC_NAMES_COLUMNS) {
    st = fail(SCOREC_ERROR_INPUT, std::string(c.fn) + ": unknown scorec_names value " + std::to_string(w));
    return nullptr;
  }
  return &rules.names[static_cast<size_t>(w)];
}

void to_c(const Diagnostic& d, scorec_diagnostic& out) {
  out.severity = d.severity == Diagnostic::Severity::Error ? SCOREC_SEVERITY_ERROR : SCOREC_SEVERITY_WARNING;
  out.code = d.code.c_str();
  out.file = d.file.c_str();
  out.line = d.line;
  out.column = d.column;
  out.message = d.message.c_str();
  out.hint = d.hint.c_str();
}

scorec_status not_found(const char* what, std::string_view name) {
  return fail(SCOREC_ERROR_NOT_FOUND, "the rules have no " + std::string(what) + " '" + std::string(name) + "'");
}

scorec_status out_of_range(const char* what, size_t index, size_t size) {
  return fail(SCOREC_ERROR_NOT_FOUND,
              "no " + std::string(what) + " " + std::to_string(index) + " (there are " + std::to_string(size) + ")");
}

// The position of a named item of a user's results.
template <class T, class Name>
std::optional<size_t> find(const std::vector<T>& items, std::string_view name, Name name_of) {
  for (size_t i = 0; i < items.size(); ++i)
    if (name_of(items[i]) == name) return i;
  return std::nullopt;
}

void to_c(const UserResult::Score& s, scorec_score_value& out) {
  out.name = s.name.c_str();
  out.raw = s.raw;
  out.has_scaled = s.scaled.has_value() ? 1 : 0;
  out.scaled = s.scaled.value_or(0.0);
  out.tier = s.tier ? s.tier->c_str() : nullptr;
}

void to_c(const UserResult::Grade& g, scorec_grade_value& out) {
  out.name = g.name.c_str();
  out.points = g.points;
  out.letter = g.letter.c_str();
}

// A copy of `text` the caller frees with scorec_free_string (malloc: so that a program
// that calls free() by mistake still works).
scorec_status to_c_string(const std::string& text, char** out, size_t* size) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (!copy) return out_of_memory("scorec");
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  *out = copy;
  if (size) *size = text.size();
  return SCOREC_OK;
}

// read_events and read_profiles: unreadable files are I/O errors, the rest input errors.
template <class Read>
scorec_status read_file(const Call& c, scorec_scorer* scorer, const char* path, const scorec_read_options* options,
                        Read read) {
  if (!scorer) return c.null("scorer");
  if (!path) return c.null("path");
  if (auto st = check_readable(path); st != SCOREC_OK) return st;
  if (options && options->mapping_file && *options->mapping_file)
    if (auto st = check_readable(options->mapping_file); st != SCOREC_OK) return st;
  if (auto r = read(scorer->scorer, std::string(path), to_read_options(options)); !r)
    return fail(SCOREC_ERROR_INPUT, r.error());
  return SCOREC_OK;
}

}  // namespace
}  // namespace scorec::capi

using scorec::capi::Call;
using scorec::capi::fail;
using scorec::capi::guard;

extern "C" {

// ---- Errors ----------------------------------------------------------------------

const char* scorec_last_error(void) {
  auto& e = scorec::capi::last();
  return e.fixed ? e.fixed : e.message.c_str();
}

const char* scorec_status_name(scorec_status status) {
  switch (scorec::capi::raw(status)) {
    case SCOREC_OK:
      return "SCOREC_OK";
    case SCOREC_ERROR_RULES:
      return "SCOREC_ERROR_RULES";
    case SCOREC_ERROR_INPUT:
      return "SCOREC_ERROR_INPUT";
    case SCOREC_ERROR_STATE:
      return "SCOREC_ERROR_STATE";
    case SCOREC_ERROR_IO:
      return "SCOREC_ERROR_IO";
    case SCOREC_ERROR_NOT_FOUND:
      return "SCOREC_ERROR_NOT_FOUND";
    case SCOREC_ERROR_NO_MEMORY:
      return "SCOREC_ERROR_NO_MEMORY";
    case SCOREC_ERROR_INTERNAL:
      return "SCOREC_ERROR_INTERNAL";
  }
  return "SCOREC_UNKNOWN_STATUS";
}

const char* scorec_version(void) { return SCOREC_VERSION; }

size_t scorec_last_diagnostic_count(void) { return scorec::capi::last().diagnostics.size(); }

// Reading the diagnostics must not replace them, so its own failures leave the last
// error alone.
scorec_status scorec_last_diagnostic(size_t index, scorec_diagnostic* out) {
  const auto& diags = scorec::capi::last().diagnostics;
  if (!out) return SCOREC_ERROR_INPUT;
  if (index >= diags.size()) return SCOREC_ERROR_NOT_FOUND;
  scorec::capi::to_c(diags[index], *out);
  return SCOREC_OK;
}

// ---- Rules -----------------------------------------------------------------------

scorec_status scorec_rules_from_aot(const struct scorec_aot_module* module, scorec_rules** out) {
  return guard(__func__, [&](const Call& c) {
    if (!module) return c.null("module");
    if (!out) return c.null("out");
    auto rules = scorec::Rules::from_aot(*module);
    if (!rules) return fail(SCOREC_ERROR_INPUT, rules.error());
    return scorec::capi::make_rules(std::move(*rules), out);
  });
}

void scorec_rules_free(scorec_rules* rules) { delete rules; }

scorec_status scorec_rules_count(const scorec_rules* rules, scorec_names which, size_t* out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!out) return c.null("out");
    scorec_status st = SCOREC_OK;
    const auto* names = scorec::capi::names_of(c, *rules, which, st);
    if (!names) return st;
    *out = names->size();
    return SCOREC_OK;
  });
}

scorec_status scorec_rules_name(const scorec_rules* rules, scorec_names which, size_t index, const char** out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!out) return c.null("out");
    scorec_status st = SCOREC_OK;
    const auto* names = scorec::capi::names_of(c, *rules, which, st);
    if (!names) return st;
    if (index >= names->size()) return scorec::capi::out_of_range("name", index, names->size());
    *out = (*names)[index].c_str();
    return SCOREC_OK;
  });
}

scorec_status scorec_rules_index(const scorec_rules* rules, scorec_names which, const char* name, size_t* out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!name) return c.null("name");
    if (!out) return c.null("out");
    scorec_status st = SCOREC_OK;
    const auto* names = scorec::capi::names_of(c, *rules, which, st);
    if (!names) return st;
    for (size_t i = 0; i < names->size(); ++i)
      if ((*names)[i] == name) {
        *out = i;
        return SCOREC_OK;
      }
    return fail(SCOREC_ERROR_NOT_FOUND, std::string("the rules have no '") + name + "' of that kind");
  });
}

scorec_status scorec_rules_has_native(const scorec_rules* rules, int* out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!out) return c.null("out");
    *out = rules->rules.has_native() ? 1 : 0;
    return SCOREC_OK;
  });
}

scorec_status scorec_rules_warning_count(const scorec_rules* rules, size_t* out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!out) return c.null("out");
    *out = rules->rules.warnings().size();
    return SCOREC_OK;
  });
}

scorec_status scorec_rules_warning(const scorec_rules* rules, size_t index, scorec_diagnostic* out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!out) return c.null("out");
    const auto& warnings = rules->rules.warnings();
    if (index >= warnings.size()) return scorec::capi::out_of_range("warning", index, warnings.size());
    scorec::capi::to_c(warnings[index], *out);
    return SCOREC_OK;
  });
}

// ---- The scorer ------------------------------------------------------------------

scorec_status scorec_partition_of(const char* user_id, uint32_t n, uint32_t* out) {
  return guard(__func__, [&](const Call& c) {
    if (!user_id) return c.null("user_id");
    if (!out) return c.null("out");
    if (n == 0) return fail(SCOREC_ERROR_INPUT, "scorec_partition_of: the number of partitions must be at least 1");
    *out = scorec::partition_of(user_id, n);
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_create(const scorec_rules* rules, double as_of, const scorec_scorer_options* options,
                                   scorec_scorer** out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!out) return c.null("out");
    if (auto st = scorec::capi::check_scorer_options(c, *rules, options); st != SCOREC_OK) return st;
    auto scorer = scorec::Scorer::create(rules->rules, as_of, scorec::capi::to_options(options));
    if (!scorer) return fail(SCOREC_ERROR_INPUT, scorer.error());
    *out = new scorec_scorer{std::move(*scorer)};
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_load_state(const scorec_rules* rules, const char* path,
                                       const scorec_scorer_options* options, scorec_scorer** out) {
  return guard(__func__, [&](const Call& c) {
    if (!rules) return c.null("rules");
    if (!path) return c.null("path");
    if (!out) return c.null("out");
    if (auto st = scorec::capi::check_scorer_options(c, *rules, options); st != SCOREC_OK) return st;
    if (auto st = scorec::capi::check_readable(path); st != SCOREC_OK) return st;
    auto scorer = scorec::Scorer::load_state(rules->rules, path, scorec::capi::to_options(options));
    if (!scorer) return fail(SCOREC_ERROR_STATE, scorer.error());
    *out = new scorec_scorer{std::move(*scorer)};
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_save_state(scorec_scorer* scorer, const char* path) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!path) return c.null("path");
    if (auto st = scorer->scorer.save_state(path); !st) return fail(SCOREC_ERROR_IO, st.error());
    return SCOREC_OK;
  });
}

void scorec_scorer_free(scorec_scorer* scorer) { delete scorer; }

scorec_status scorec_scorer_set_profile(scorec_scorer* scorer, const char* user, const scorec_field* attributes,
                                        size_t count) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!user) return c.null("user");
    std::vector<scorec::Field> fields;
    scorec_status st = SCOREC_OK;
    if (!scorec::capi::to_fields(c, "attributes", attributes, count, fields, st)) return st;
    if (auto r = scorer->scorer.set_profile(user, fields); !r) return fail(SCOREC_ERROR_INPUT, r.error());
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_add_event(scorec_scorer* scorer, const char* user, const char* type, double ts,
                                      const scorec_field* properties, size_t count) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!user) return c.null("user");
    if (!type) return c.null("type");
    std::vector<scorec::Field> fields;
    scorec_status st = SCOREC_OK;
    if (!scorec::capi::to_fields(c, "properties", properties, count, fields, st)) return st;
    if (auto r = scorer->scorer.add_event(user, type, ts, fields); !r) return fail(SCOREC_ERROR_INPUT, r.error());
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_add_events(scorec_scorer* scorer, const scorec_event_columns* batch) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!batch) return c.null("batch");
    const size_t n = batch->size;
    if (n > 0 && batch->users && batch->user_keys)
      return fail(SCOREC_ERROR_INPUT, "scorec_scorer_add_events: the batch gives both users and user_keys; give one "
                                      "of the two");
    if (n > 0 && !batch->users && !batch->user_keys) return c.null("batch->users (and batch->user_keys)");
    if (n > 0 && !batch->types) return c.null("batch->types");
    if (n > 0 && !batch->ts) return c.null("batch->ts");
    if (batch->num_columns > 0 && !batch->columns) return c.null("batch->columns");
    // The C arrays as the spans the C++ batch takes; NULL strings become null cells.
    // A type name passed by the same pointer as the row before is measured once.
    auto& users = scorer->users;
    auto& types = scorer->types;
    users.resize(batch->users ? n : 0);
    types.resize(n);
    for (size_t r = 0; r < n; ++r) {
      if ((batch->users && !batch->users[r]) || !batch->types[r])
        return fail(SCOREC_ERROR_INPUT, "scorec_scorer_add_events: row " + std::to_string(r) + " has a NULL " +
                                            (batch->types[r] ? "user" : "type"));
      if (batch->users) users[r] = batch->users[r];
      types[r] = r > 0 && batch->types[r] == batch->types[r - 1] ? types[r - 1] : std::string_view(batch->types[r]);
    }
    std::vector<std::vector<std::string_view>> texts(batch->num_columns);
    std::vector<std::vector<uint8_t>> valid(batch->num_columns);
    scorec::EventColumns in;
    in.size = n;
    in.users = users;
    if (batch->user_keys) in.user_keys = std::span<const uint32_t>(batch->user_keys, n);
    in.types = types;
    in.ts = std::span<const double>(batch->ts, n);
    for (size_t k = 0; k < batch->num_columns; ++k) {
      const scorec_column& col = batch->columns[k];
      if (!col.name) return c.null("batch->columns[].name");
      if (n > 0 && !col.numbers == !col.texts)
        return fail(SCOREC_ERROR_INPUT, std::string("scorec_scorer_add_events: column '") + col.name +
                                            "' needs exactly one of numbers and texts");
      scorec::EventColumns::Column out;
      out.name = col.name;
      if (col.numbers) out.numbers = std::span<const double>(col.numbers, n);
      if (col.valid) out.valid = std::span<const uint8_t>(col.valid, n);
      if (col.texts) {
        texts[k].resize(n);
        valid[k].resize(n);
        for (size_t r = 0; r < n; ++r) {
          valid[k][r] = col.texts[r] != nullptr && (!col.valid || col.valid[r]);
          if (col.texts[r]) texts[k][r] = col.texts[r];
        }
        out.texts = texts[k];
        out.valid = valid[k];
      }
      in.columns.push_back(out);
    }
    if (auto r = scorer->scorer.add_events(in); !r) return fail(SCOREC_ERROR_INPUT, r.error());
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_read_events(scorec_scorer* scorer, const char* path, const scorec_read_options* options) {
  return guard(__func__, [&](const Call& c) {
    return scorec::capi::read_file(
        c, scorer, path, options,
        [](scorec::Scorer& s, const std::string& p, const scorec::ReadOptions& o) { return s.read_events(p, o); });
  });
}

scorec_status scorec_scorer_read_profiles(scorec_scorer* scorer, const char* path, const scorec_read_options* options) {
  return guard(__func__, [&](const Call& c) {
    return scorec::capi::read_file(
        c, scorer, path, options,
        [](scorec::Scorer& s, const std::string& p, const scorec::ReadOptions& o) { return s.read_profiles(p, o); });
  });
}

scorec_status scorec_scorer_advance(scorec_scorer* scorer, double as_of) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (auto r = scorer->scorer.advance(as_of); !r) return fail(SCOREC_ERROR_INPUT, r.error());
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_as_of(const scorec_scorer* scorer, double* out) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!out) return c.null("out");
    *out = scorer->scorer.as_of();
    return SCOREC_OK;
  });
}

scorec_status scorec_scorer_stats(const scorec_scorer* scorer, scorec_stats* out) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!out) return c.null("out");
    scorec::Stats s = scorer->scorer.stats();
    out->events = s.events;
    out->used = s.used;
    out->pending = s.pending;
    out->unknown_type = s.unknown_type;
    out->late = s.late;
    out->bad_values = s.bad_values;
    out->null_weights = s.null_weights;
    out->users = s.users;
    out->other_partition = s.other_partition;
    out->as_of = s.as_of;
    return SCOREC_OK;
  });
}

// ---- One user's results ----------------------------------------------------------

scorec_status scorec_scorer_user(scorec_scorer* scorer, const char* user, scorec_user_result** out) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!user) return c.null("user");
    if (!out) return c.null("out");
    auto r = scorer->scorer.user(user);
    if (!r) return fail(SCOREC_ERROR_NOT_FOUND, r.error());
    *out = new scorec_user_result{std::move(*r)};
    return SCOREC_OK;
  });
}

void scorec_user_result_free(scorec_user_result* result) { delete result; }

scorec_status scorec_user_result_score(const scorec_user_result* result, const char* name, scorec_score_value* out) {
  return guard(__func__, [&](const Call& c) {
    if (!result) return c.null("result");
    if (!name) return c.null("name");
    if (!out) return c.null("out");
    auto i =
        scorec::capi::find(result->result.scores, name, [](const auto& s) -> const std::string& { return s.name; });
    if (!i) return scorec::capi::not_found("score", name);
    scorec::capi::to_c(result->result.scores[*i], *out);
    return SCOREC_OK;
  });
}

scorec_status scorec_user_result_score_at(const scorec_user_result* result, size_t index, scorec_score_value* out) {
  return guard(__func__, [&](const Call& c) {
    if (!result) return c.null("result");
    if (!out) return c.null("out");
    const auto& scores = result->result.scores;
    if (index >= scores.size()) return scorec::capi::out_of_range("score", index, scores.size());
    scorec::capi::to_c(scores[index], *out);
    return SCOREC_OK;
  });
}

scorec_status scorec_user_result_grade(const scorec_user_result* result, const char* name, scorec_grade_value* out) {
  return guard(__func__, [&](const Call& c) {
    if (!result) return c.null("result");
    if (!name) return c.null("name");
    if (!out) return c.null("out");
    auto i =
        scorec::capi::find(result->result.grades, name, [](const auto& g) -> const std::string& { return g.name; });
    if (!i) return scorec::capi::not_found("grade", name);
    scorec::capi::to_c(result->result.grades[*i], *out);
    return SCOREC_OK;
  });
}

scorec_status scorec_user_result_grade_at(const scorec_user_result* result, size_t index, scorec_grade_value* out) {
  return guard(__func__, [&](const Call& c) {
    if (!result) return c.null("result");
    if (!out) return c.null("out");
    const auto& grades = result->result.grades;
    if (index >= grades.size()) return scorec::capi::out_of_range("grade", index, grades.size());
    scorec::capi::to_c(grades[index], *out);
    return SCOREC_OK;
  });
}

scorec_status scorec_user_result_segment(const scorec_user_result* result, const char* name, int* out) {
  return guard(__func__, [&](const Call& c) {
    if (!result) return c.null("result");
    if (!name) return c.null("name");
    if (!out) return c.null("out");
    const auto& segments = result->result.segments;
    auto i = scorec::capi::find(segments, name, [](const auto& s) -> const std::string& { return s.first; });
    if (!i) return scorec::capi::not_found("segment", name);
    *out = segments[*i].second ? 1 : 0;
    return SCOREC_OK;
  });
}

scorec_status scorec_user_result_segment_at(const scorec_user_result* result, size_t index, int* out) {
  return guard(__func__, [&](const Call& c) {
    if (!result) return c.null("result");
    if (!out) return c.null("out");
    const auto& segments = result->result.segments;
    if (index >= segments.size()) return scorec::capi::out_of_range("segment", index, segments.size());
    *out = segments[index].second ? 1 : 0;
    return SCOREC_OK;
  });
}

// ---- Every user's results --------------------------------------------------------

scorec_status scorec_scorer_results(scorec_scorer* scorer, scorec_results** out) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!out) return c.null("out");
    auto table = scorer->scorer.results();
    if (!table) return fail(SCOREC_ERROR_INTERNAL, table.error());
    *out = new scorec_results{std::move(*table)};
    return SCOREC_OK;
  });
}

void scorec_results_free(scorec_results* results) { delete results; }

scorec_status scorec_results_size(const scorec_results* results, size_t* rows, size_t* columns) {
  return guard(__func__, [&](const Call& c) {
    if (!results) return c.null("results");
    if (!rows) return c.null("rows");
    if (!columns) return c.null("columns");
    *rows = results->table.users.size();
    *columns = results->table.columns.size();
    return SCOREC_OK;
  });
}

scorec_status scorec_results_column(const scorec_results* results, size_t column, const char** out) {
  return guard(__func__, [&](const Call& c) {
    if (!results) return c.null("results");
    if (!out) return c.null("out");
    const auto& columns = results->table.columns;
    if (column >= columns.size()) return scorec::capi::out_of_range("column", column, columns.size());
    *out = columns[column].c_str();
    return SCOREC_OK;
  });
}

scorec_status scorec_results_cell(const scorec_results* results, size_t row, size_t column, scorec_value* out) {
  return guard(__func__, [&](const Call& c) {
    if (!results) return c.null("results");
    if (!out) return c.null("out");
    const auto& t = results->table;
    if (row >= t.users.size()) return scorec::capi::out_of_range("row", row, t.users.size());
    if (column >= t.columns.size()) return scorec::capi::out_of_range("column", column, t.columns.size());
    if (column == 0) {
      *out = scorec_string(t.users[row].c_str());
      return SCOREC_OK;
    }
    const scorec::Value& v = t.cells[column - 1][row];
    if (const auto* d = std::get_if<double>(&v.v))
      *out = scorec_number(*d);
    else if (const auto* s = std::get_if<std::string>(&v.v))
      *out = scorec_string(s->c_str());
    else if (const auto* b = std::get_if<bool>(&v.v))
      *out = scorec_bool(*b ? 1 : 0);
    else
      *out = scorec_null();  // results hold no lists
    return SCOREC_OK;
  });
}

scorec_status scorec_results_csv(const scorec_results* results, char** out, size_t* size) {
  return guard(__func__, [&](const Call& c) {
    if (!results) return c.null("results");
    if (!out) return c.null("out");
    return scorec::capi::to_c_string(results->table.csv(), out, size);
  });
}

scorec_status scorec_scorer_results_csv(scorec_scorer* scorer, char** out, size_t* size) {
  return guard(__func__, [&](const Call& c) {
    if (!scorer) return c.null("scorer");
    if (!out) return c.null("out");
    auto table = scorer->scorer.results();
    if (!table) return fail(SCOREC_ERROR_INTERNAL, table.error());
    return scorec::capi::to_c_string(table->csv(), out, size);
  });
}

void scorec_free_string(char* string) { std::free(string); }

}  // extern "C"
