// scorec's C++ library: compile a rule set, create a scorer, feed it events (one at a
// time or a columnar batch), read each user's results, and save or load the scorer's
// state so that new events continue yesterday's scores without rescanning history.
//
// Errors are values (scorec/result.hpp): every call that can fail returns
// scorec::Result<T> (or Status) holding either the value or an Error with a message,
// and for rules, the compiler's diagnostics with file:line:col. Nothing throws across
// this API.
//
// Thread safety:
//   - Rules is immutable once built; one Rules may be shared by any number of threads
//     and Scorers (copies share the compiled code).
//   - A Scorer is not thread-safe: use one per thread (or guard it with a lock). Distinct
//     Scorers over the same Rules run concurrently without locking.
//   - The free functions (compile_file, compile_string) are thread-safe.
//
// Time is epoch seconds (UTC) as a double, an instant from 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z (-62135596800 to 253402300799): an as-of or event time outside
// that range, or NaN, is an error (docs/input.md). A scorer scores "as of" an instant T:
// events after T wait in the scorer (they count as "future") until the as-of time
// reaches them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "scorec/result.hpp"

struct scorec_aot_module;  // scorec/aot.h: a rule set compiled ahead of time

namespace scorec {

// ---- Rules ---------------------------------------------------------------------------

enum class EngineKind {
  Native,       // compiled code: JIT-compiled by LLVM, or linked ahead of time (scorec compile)
  Interpreter,  // the reference interpreter
};

struct CompileOptions {
  bool jit = true;          // compile native code now (else only the interpreter can run them)
  bool use_cache = true;    // the compiled-code cache ($SCOREC_CACHE_DIR or ~/.cache/scorec)
  std::string cache_dir;    // empty: the default; used only when private (ours, 0700): README
  // Folders imports may use besides the rule file's own folder and the stdlib (the
  // CLI's --import-path). Imports are relative paths to .score files that stay inside
  // one of them after `..` and symbolic links are resolved (docs/language.md).
  std::vector<std::string> import_paths;
};

namespace detail {
struct RulesImpl;
struct ScorerImpl;
}  // namespace detail

// A checked, compiled rule set.
class Rules {
 public:
  // The names of what a scorer outputs, in output order.
  std::vector<std::string> scores() const;
  std::vector<std::string> grades() const;
  std::vector<std::string> segments() const;
  std::vector<std::string> event_types() const;
  std::vector<std::string> profile_attributes() const;
  // The output columns of results(), after "user_id": per score NAME_raw, NAME (when
  // scaled), NAME_tier (when tiered); per grade NAME_points, NAME; per segment NAME.
  std::vector<std::string> columns() const;
  // Whether native code is available (JIT-compiled or ahead of time).
  bool has_native() const;
  // Warnings the compiler reported (errors make compile_* fail instead).
  const std::vector<Diagnostic>& warnings() const;

  // A rule set compiled ahead of time by `scorec compile` and linked into the program
  // (its generated header declares the module). Needs only the runtime library.
  static Result<Rules> from_aot(const scorec_aot_module& module);

  explicit Rules(std::shared_ptr<const detail::RulesImpl> impl) : impl_(std::move(impl)) {}
  const detail::RulesImpl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const detail::RulesImpl> impl_;
};

// Compiles a rule file (imports resolved relative to it, then import_paths, then the
// stdlib folder), or rules held in a string (`name` labels its diagnostics; it has no
// folder, so its imports come only from import_paths and the stdlib). Defined in the full library
// (scorec::scorec), which links LLVM and ANTLR; the runtime library (scorec::scorec_rt)
// runs rules compiled ahead of time instead.
Result<Rules> compile_file(const std::string& path, const CompileOptions& options = {});
Result<Rules> compile_string(std::string_view source, std::string_view name = "<string>",
                             const CompileOptions& options = {});

// ---- Values --------------------------------------------------------------------------

// A property or profile attribute value: null, a number (also timestamps, in epoch
// seconds), a string, a bool, or a list of strings. Each is converted to the declared
// type; a value of the wrong kind is null and counted (Stats::bad_values).
struct Value {
  using List = std::vector<std::string>;
  std::variant<std::monostate, double, std::string, bool, List> v;
  Value() = default;
  Value(double d) : v(d) {}
  Value(int i) : v(static_cast<double>(i)) {}
  Value(int64_t i) : v(static_cast<double>(i)) {}
  Value(bool b) : v(b) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(std::string_view s) : v(std::string(s)) {}
  Value(List l) : v(std::move(l)) {}
  bool is_null() const { return v.index() == 0; }
};

struct Field {
  std::string_view name;
  Value value;
};

// A columnar batch of events: the fast way in. All spans have `size` entries; a
// property column names an event property and holds a number per row (NaN or
// valid[i] == 0: null); string properties pass their text in `texts` instead. Rows of
// other event types ignore a column.
//
// The rows' users are given as ids (`users`) or, for services that already number
// their users densely, as integer keys (`user_keys`, no text per row): key k is the
// user whose id is k's decimal text ("42"), so keys and ids name the same users and
// mix freely across calls (results(), user("42"), saved states and partitions see the
// id). Give exactly one of the two. Keys need ScorerOptions::user_key_limit; a key at
// or above it is an error and nothing of the batch is added.
struct EventColumns {
  size_t size = 0;
  std::span<const std::string_view> users;
  std::span<const uint32_t> user_keys;
  std::span<const std::string_view> types;
  std::span<const double> ts;
  struct Column {
    std::string_view name;                 // the property name, as declared
    std::span<const double> numbers;       // number, bool (0/1), timestamp properties
    std::span<const std::string_view> texts;  // string properties
    std::span<const uint8_t> valid;        // optional: 0 = null
  };
  std::vector<Column> columns;
};

// ---- Results -------------------------------------------------------------------------

// One user's outputs.
struct UserResult {
  std::string user;
  struct Score {
    std::string name;
    double raw = 0;
    std::optional<double> scaled;   // when the score scales (linear or percentile)
    std::optional<std::string> tier;  // when the score has tiers
  };
  struct Grade {
    std::string name;
    double points = 0;
    std::string letter;
  };
  std::vector<Score> scores;
  std::vector<Grade> grades;
  std::vector<std::pair<std::string, bool>> segments;
};

// Every user's outputs as a table, users in first-appearance order.
struct ResultTable {
  std::vector<std::string> columns;  // "user_id" first, then Rules::columns()
  std::vector<std::string> users;
  // cells[c][u]: the value of column c + 1 for user u; a number, a string (tiers,
  // letters), a bool (segments), or null.
  std::vector<std::vector<Value>> cells;
  std::string csv() const;  // exactly what `scorec run --format csv` writes
};

// What a scorer has seen; nothing is dropped without being counted here.
struct Stats {
  uint64_t events = 0;          // events given (all types)
  uint64_t used = 0;            // applied to a user's state at or before the as-of time
  uint64_t pending = 0;         // after the as-of time, waiting
  uint64_t unknown_type = 0;    // of a type the rules do not declare (their user counts)
  uint64_t late = 0;            // older than the state's as-of time when they arrived
  uint64_t bad_values = 0;      // values not of the declared type (became null)
  uint64_t null_weights = 0;    // rule firings whose weight was null
  uint64_t users = 0;
  uint64_t other_partition = 0; // events and profiles of users outside this scorer's partition
  double as_of = 0;
};

// ---- The scorer ----------------------------------------------------------------------

// How read_events / read_profiles read a file: CSV or NDJSON (also Segment exports),
// optionally gzip-compressed, as `scorec run` reads them (docs/input.md).
struct ReadOptions {
  std::string mapping_file;  // a field mapping, as `scorec run --mapping`; empty: none
  bool skip_bad = false;     // skip malformed lines (counted) instead of failing
};

struct ScorerOptions {
  EngineKind engine = EngineKind::Native;
  // Score only the users whose id hashes to `partition` of `partitions`
  // (scorec::partition_of); others are counted in Stats::other_partition.
  uint32_t partition = 0, partitions = 1;
  // The integer user keys add_events accepts (EventColumns::user_keys): 0 to
  // user_key_limit - 1; 0 accepts none. The scorer keeps 4 bytes per key up to the
  // largest key it has seen.
  uint32_t user_key_limit = 0;
};

// The stable partition of a user id: FNV-1a 64 of its UTF-8 bytes, modulo n.
uint32_t partition_of(std::string_view user_id, uint32_t n);

class Scorer {
 public:
  // A scorer with no users, as of the given instant.
  static Result<Scorer> create(const Rules& rules, double as_of, const ScorerOptions& options = {});
  // A scorer continuing from a state file written by save_state (or `scorec run
  // --state-out`). Refused with a clear error when the file is from other rules (its
  // state layout differs), truncated, corrupted, invalid (holding times or values no
  // run writes), from a newer scorec, or not a file (a directory).
  static Result<Scorer> load_state(const Rules& rules, const std::string& path, const ScorerOptions& options = {});

  Scorer(Scorer&&) noexcept;
  Scorer& operator=(Scorer&&) noexcept;
  ~Scorer();

  // Sets a user's profile attributes (unknown names are an error; null values keep
  // what the user had).
  Status set_profile(std::string_view user, std::span<const Field> attributes);
  Status set_profile(std::string_view user, std::initializer_list<Field> attributes) {
    return set_profile(user, std::span<const Field>(attributes.begin(), attributes.size()));
  }
  // One event. Events at or before the as-of time apply at once; later ones wait for
  // advance(). Unknown property names are an error; an unknown event type is counted.
  Status add_event(std::string_view user, std::string_view type, double ts, std::span<const Field> properties = {});
  Status add_event(std::string_view user, std::string_view type, double ts, std::initializer_list<Field> properties) {
    return add_event(user, type, ts, std::span<const Field>(properties.begin(), properties.size()));
  }
  // A columnar batch; its events apply in timestamp order (ties in row order). Each
  // event type name is resolved once per batch and each user id once per run of equal
  // ids; a batch already in time order is not sorted.
  Status add_events(const EventColumns& batch);
  // Every event (and identify message) of a file, as add_events would apply them.
  // Each id is a user of its own here: Segment identity links (anonymousId -> userId,
  // alias) are merged by `scorec run`, not yet by this call (docs/input.md, "Identity").
  Status read_events(const std::string& path, const ReadOptions& options = {});
  // Every profile row of a file.
  Status read_profiles(const std::string& path, const ReadOptions& options = {});
  // Moves the as-of time forward (never back): decay is re-based, windows slide, and
  // waiting events that are now due apply.
  Status advance(double as_of);

  double as_of() const;
  // One user's outputs, as of now; an error for a user the scorer has not seen.
  // Percentile scores rank the user among every user of the scorer.
  Result<UserResult> user(std::string_view id);
  // Every user's outputs.
  Result<ResultTable> results();
  Stats stats() const;
  // Saves every user's state (see docs/embedding.md for what it holds and its size).
  Status save_state(const std::string& path);

  detail::ScorerImpl& impl() { return *impl_; }

 private:
  explicit Scorer(std::unique_ptr<detail::ScorerImpl> impl);
  std::unique_ptr<detail::ScorerImpl> impl_;
};

}  // namespace scorec
