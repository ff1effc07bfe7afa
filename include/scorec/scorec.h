/* scorec's C ABI: the C++ library (scorec/scorec.hpp) through opaque handles and error
 * codes, for C programs and for other languages' foreign-function interfaces.
 *
 * Errors: every function that can fail returns a scorec_status and passes its results
 * through out-parameters (left untouched on failure). scorec_last_error() then says
 * what went wrong. No C++ exception crosses this API: the library catches everything at
 * the boundary (running out of memory is SCOREC_ERROR_NO_MEMORY).
 *
 * Libraries: libscorec (CMake scorec::scorec) defines every function here;
 * libscorec_rt (scorec::scorec_rt, no LLVM, no ANTLR) defines all but the compile
 * functions (scorec_compile_file, scorec_compile_string): it runs rules compiled ahead
 * of time (scorec_rules_from_aot).
 *
 * Thread safety (the same rules as scorec.hpp):
 *   - A scorec_rules is immutable once built: share one between any number of threads
 *     and scorers, and free it when no thread uses the handle any more.
 *   - A scorec_scorer is not thread-safe: use it from one thread at a time (one per
 *     thread, or guard it with a lock). Distinct scorers over the same rules run
 *     concurrently without locking. The same holds for scorec_results and
 *     scorec_user_result handles (read-only snapshots: concurrent reads are fine).
 *   - The compile functions, scorec_partition_of and scorec_last_error are thread-safe;
 *     the last error is per thread.
 *
 * Ownership: a handle returned through an out-parameter (scorec_rules**,
 * scorec_scorer**, ...) belongs to the caller, who frees it with the matching
 * scorec_*_free (which accept NULL). A `const char*` returned through an out-parameter
 * belongs to the handle it came from and lives as long as that handle, unless the
 * function says otherwise. A `char*` (scorec_*_csv) belongs to the caller: free it with
 * scorec_free_string. Arguments are borrowed: the library copies what it keeps.
 *
 * Strings are NUL-terminated UTF-8. Time is epoch seconds (UTC) as a double; a scorer
 * scores "as of" an instant T, and events after T wait until scorec_scorer_advance
 * reaches them. */
#ifndef SCOREC_H
#define SCOREC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct scorec_aot_module; /* scorec/aot.h: a rule set compiled ahead of time */

/* ---- Errors ---------------------------------------------------------------------- */

typedef enum scorec_status {
  SCOREC_OK = 0,
  SCOREC_ERROR_RULES = 1,     /* the rules have errors (scorec_last_diagnostic lists them) */
  SCOREC_ERROR_INPUT = 2,     /* a bad argument: NULL handle, unknown property or attribute,
                                 malformed input file, partition out of range, ... */
  SCOREC_ERROR_STATE = 3,     /* a state file refused: other rules, truncated, corrupted,
                                 newer format, another partition */
  SCOREC_ERROR_IO = 4,        /* a file could not be opened, read or written */
  SCOREC_ERROR_NOT_FOUND = 5, /* no such user, score, grade, segment or index */
  SCOREC_ERROR_NO_MEMORY = 6, /* out of memory */
  SCOREC_ERROR_INTERNAL = 7   /* a bug in scorec (please report it with the message) */
} scorec_status;

/* The message of the last call on this thread that failed ("" when none has): what
 * went wrong and, for rules, every error as "file:line:col: error: ...". Successful
 * calls leave it as it was. The text belongs to the library and stays valid until the
 * next failing scorec call on the same thread; copy it to keep it longer. Never NULL. */
const char* scorec_last_error(void);

/* A constant name for a status ("SCOREC_ERROR_RULES"); never NULL. */
const char* scorec_status_name(scorec_status status);

/* The library's version ("0.1.0"): a constant string. */
const char* scorec_version(void);

/* One finding of the rules compiler. The strings belong to whatever produced it (see
 * scorec_last_diagnostic and scorec_rules_warning). */
typedef enum scorec_severity { SCOREC_SEVERITY_ERROR = 0, SCOREC_SEVERITY_WARNING = 1 } scorec_severity;
typedef struct scorec_diagnostic {
  scorec_severity severity;
  const char* code; /* stable code, e.g. "E010" (docs/diagnostics.md) */
  const char* file; /* "" when unknown */
  int line, column; /* 1-based; 0 when unknown */
  const char* message;
  const char* hint; /* "" when there is none */
} scorec_diagnostic;

/* The errors of the last failing compile on this thread, one by one (count is 0 after
 * any other failure). The strings live as long as scorec_last_error's text. */
size_t scorec_last_diagnostic_count(void);
scorec_status scorec_last_diagnostic(size_t index, scorec_diagnostic* out);

/* ---- Rules ----------------------------------------------------------------------- */

typedef struct scorec_rules scorec_rules;

/* Zero-initialized options ({0}) are the defaults, as is passing NULL. */
typedef struct scorec_compile_options {
  int no_jit;            /* nonzero: no native code (only the interpreter can run them) */
  int no_cache;          /* nonzero: bypass the compiled-code cache */
  const char* cache_dir; /* NULL or "": $SCOREC_CACHE_DIR, else $XDG_CACHE_HOME/scorec, else
                            ~/.cache/scorec; used only when private (ours, 0700): README */
} scorec_compile_options;

/* Compiles a rule file (imports resolved relative to it, then the stdlib folder), or
 * rules held in a string (`name` labels its diagnostics; NULL: "<string>"). Rules with
 * errors: SCOREC_ERROR_RULES; an unreadable file: SCOREC_ERROR_IO. Full library only. */
scorec_status scorec_compile_file(const char* path, const scorec_compile_options* options, scorec_rules** out);
scorec_status scorec_compile_string(const char* source, const char* name, const scorec_compile_options* options,
                                    scorec_rules** out);

/* A rule set compiled ahead of time (`scorec compile`) and linked into the program; the
 * module is borrowed for as long as the rules (and their scorers) live — it is normally
 * a static object. A module the runtime cannot run: SCOREC_ERROR_INPUT. */
scorec_status scorec_rules_from_aot(const struct scorec_aot_module* module, scorec_rules** out);

/* Frees the handle. Scorers created from it keep what they need: free the rules
 * whenever no thread uses this handle any more, before or after its scorers. */
void scorec_rules_free(scorec_rules* rules);

/* What a rule set declares and outputs, by name, in output order. */
typedef enum scorec_names {
  SCOREC_NAMES_SCORES = 0,
  SCOREC_NAMES_GRADES = 1,
  SCOREC_NAMES_SEGMENTS = 2,
  SCOREC_NAMES_EVENT_TYPES = 3,
  SCOREC_NAMES_PROFILE_ATTRIBUTES = 4,
  /* The result columns after "user_id": per score NAME_raw, NAME (when scaled),
   * NAME_tier (when tiered); per grade NAME_points, NAME; per segment NAME. */
  SCOREC_NAMES_COLUMNS = 5
} scorec_names;

scorec_status scorec_rules_count(const scorec_rules* rules, scorec_names which, size_t* out);
/* The name at `index` (< the count); the string lives as long as the rules handle. */
scorec_status scorec_rules_name(const scorec_rules* rules, scorec_names which, size_t index, const char** out);
/* The index of a name, or SCOREC_ERROR_NOT_FOUND. */
scorec_status scorec_rules_index(const scorec_rules* rules, scorec_names which, const char* name, size_t* out);
/* Whether native code is available (JIT-compiled or ahead of time): *out is 0 or 1. */
scorec_status scorec_rules_has_native(const scorec_rules* rules, int* out);
/* The warnings the compiler reported; the strings live as long as the rules handle. */
scorec_status scorec_rules_warning_count(const scorec_rules* rules, size_t* out);
scorec_status scorec_rules_warning(const scorec_rules* rules, size_t index, scorec_diagnostic* out);

/* ---- Values ---------------------------------------------------------------------- */

/* A property or profile attribute value, converted to the declared type; a value of
 * the wrong kind becomes null and is counted (scorec_stats.bad_values). */
typedef enum scorec_value_kind {
  SCOREC_VALUE_NULL = 0,
  SCOREC_VALUE_NUMBER = 1, /* numbers, durations, timestamps (epoch seconds) */
  SCOREC_VALUE_STRING = 2, /* a NULL string is null */
  SCOREC_VALUE_BOOL = 3,
  SCOREC_VALUE_LIST = 4 /* a list of strings */
} scorec_value_kind;

typedef struct scorec_value {
  scorec_value_kind kind;
  union {
    double number;
    const char* string;
    int boolean; /* nonzero: true */
    struct {
      const char* const* items; /* `size` strings (NULL when size is 0) */
      size_t size;
    } list;
  } as;
} scorec_value;

/* A named value: an event property or a profile attribute. */
typedef struct scorec_field {
  const char* name;
  scorec_value value;
} scorec_field;

/* Constructors, for brevity: scorec_field f = {"seconds", scorec_number(180)}; */
static inline scorec_value scorec_null(void) {
  scorec_value v;
  v.kind = SCOREC_VALUE_NULL;
  v.as.number = 0;
  return v;
}
static inline scorec_value scorec_number(double number) {
  scorec_value v;
  v.kind = SCOREC_VALUE_NUMBER;
  v.as.number = number;
  return v;
}
static inline scorec_value scorec_string(const char* string) {
  scorec_value v;
  v.kind = SCOREC_VALUE_STRING;
  v.as.string = string;
  return v;
}
static inline scorec_value scorec_bool(int boolean) {
  scorec_value v;
  v.kind = SCOREC_VALUE_BOOL;
  v.as.boolean = boolean;
  return v;
}
static inline scorec_value scorec_list(const char* const* items, size_t size) {
  scorec_value v;
  v.kind = SCOREC_VALUE_LIST;
  v.as.list.items = items;
  v.as.list.size = size;
  return v;
}

/* ---- The scorer ------------------------------------------------------------------ */

typedef struct scorec_scorer scorec_scorer;

typedef enum scorec_engine {
  SCOREC_ENGINE_NATIVE = 0,     /* compiled code: JIT-compiled, or linked ahead of time */
  SCOREC_ENGINE_INTERPRETER = 1 /* the reference interpreter */
} scorec_engine;

/* Zero-initialized options ({0}) are the defaults, as is passing NULL. */
typedef struct scorec_scorer_options {
  scorec_engine engine;
  /* Score only the users whose id hashes to `partition` of `partitions`
   * (scorec_partition_of); others are counted in scorec_stats.other_partition.
   * partitions 0 means 1: every user. */
  uint32_t partition, partitions;
  /* The integer user keys scorec_scorer_add_events accepts (scorec_event_columns.user_keys):
   * 0 to user_key_limit - 1; 0 accepts none. The scorer keeps 4 bytes per key up to the
   * largest key it has seen. */
  uint32_t user_key_limit;
} scorec_scorer_options;

/* The stable partition of a user id: FNV-1a 64 of its UTF-8 bytes, modulo n (n > 0). */
scorec_status scorec_partition_of(const char* user_id, uint32_t n, uint32_t* out);

/* A scorer with no users, as of the given instant. The rules must have native code for
 * SCOREC_ENGINE_NATIVE. The scorer does not borrow the rules handle. */
scorec_status scorec_scorer_create(const scorec_rules* rules, double as_of, const scorec_scorer_options* options,
                                   scorec_scorer** out);
/* A scorer continuing from a state file written by scorec_scorer_save_state (or
 * `scorec run --state-out`). A file that cannot be read: SCOREC_ERROR_IO; one from other
 * rules, truncated, corrupted, from a newer scorec or of another partition:
 * SCOREC_ERROR_STATE. */
scorec_status scorec_scorer_load_state(const scorec_rules* rules, const char* path,
                                       const scorec_scorer_options* options, scorec_scorer** out);
/* Saves every user's state (docs/embedding.md says what it holds). */
scorec_status scorec_scorer_save_state(scorec_scorer* scorer, const char* path);
void scorec_scorer_free(scorec_scorer* scorer);

/* Sets a user's profile attributes: `count` fields (`attributes` may be NULL when count
 * is 0). An unknown attribute name is SCOREC_ERROR_INPUT and changes nothing; null
 * values keep what the user had. */
scorec_status scorec_scorer_set_profile(scorec_scorer* scorer, const char* user, const scorec_field* attributes,
                                        size_t count);
/* One event. Events at or before the as-of time apply at once; later ones wait for
 * scorec_scorer_advance. An unknown property name is SCOREC_ERROR_INPUT (the event is
 * not added); an event type the rules do not declare is counted (unknown_type). */
scorec_status scorec_scorer_add_event(scorec_scorer* scorer, const char* user, const char* type, double ts,
                                      const scorec_field* properties, size_t count);

/* One property column of a batch: `numbers` for number, bool (0/1) and timestamp
 * properties (NaN is null), or `texts` for string properties (a NULL entry is null);
 * leave the other NULL. `valid` is optional (NULL: every row; 0 = null). Rows of event
 * types that do not declare the property ignore it. */
typedef struct scorec_column {
  const char* name;
  const double* numbers;
  const char* const* texts;
  const uint8_t* valid;
} scorec_column;

/* A columnar batch of events, the fast way in: every array has `size` entries. The users
 * are given as ids (`users`) or, for services that number their users, as integer keys
 * (`user_keys`, NULL when `users` is given): key k is the user whose id is k's decimal
 * text ("42"), so keys and ids name the same users and mix freely across calls. Give
 * exactly one of the two; keys need scorec_scorer_options.user_key_limit. */
typedef struct scorec_event_columns {
  size_t size;
  const char* const* users;
  const char* const* types;
  const double* ts;
  const scorec_column* columns; /* num_columns entries; NULL when num_columns is 0 */
  size_t num_columns;
  const uint32_t* user_keys;
} scorec_event_columns;

/* Adds a batch; its events apply in timestamp order. A column no event type declares,
 * a missing array, both users and user_keys, a key at or above the scorer's
 * user_key_limit or a timestamp that is not an instant (NaN, or outside years 0001 to
 * 9999: epoch seconds -62135596800 to 253402300799): SCOREC_ERROR_INPUT, and nothing is
 * added. The same holds for the times of scorec_scorer_create, _add_event and _advance. */
scorec_status scorec_scorer_add_events(scorec_scorer* scorer, const scorec_event_columns* batch);

/* How scorec_scorer_read_events / _read_profiles read a file: CSV or NDJSON (also
 * Segment exports), optionally gzip-compressed, as `scorec run` reads them
 * (docs/input.md). Zero-initialized options ({0}) are the defaults, as is NULL. */
typedef struct scorec_read_options {
  const char* mapping_file; /* a field mapping, as `scorec run --mapping`; NULL: none */
  int skip_bad;             /* nonzero: skip malformed lines (counted) instead of failing */
} scorec_read_options;

/* Every event (and identify message) of a file / every profile row of a file. A file
 * that cannot be opened: SCOREC_ERROR_IO; a malformed one: SCOREC_ERROR_INPUT. */
scorec_status scorec_scorer_read_events(scorec_scorer* scorer, const char* path, const scorec_read_options* options);
scorec_status scorec_scorer_read_profiles(scorec_scorer* scorer, const char* path, const scorec_read_options* options);

/* Moves the as-of time forward (never back: an earlier time is SCOREC_ERROR_INPUT):
 * decay is re-based, windows slide, and waiting events that are now due apply. */
scorec_status scorec_scorer_advance(scorec_scorer* scorer, double as_of);
scorec_status scorec_scorer_as_of(const scorec_scorer* scorer, double* out);

/* What a scorer has seen; nothing is dropped without being counted here. */
typedef struct scorec_stats {
  uint64_t events;       /* events given (all types) */
  uint64_t used;         /* applied to a user's state at or before the as-of time */
  uint64_t pending;      /* after the as-of time, waiting */
  uint64_t unknown_type; /* of a type the rules do not declare */
  uint64_t late;         /* older than the state's as-of time when they arrived */
  uint64_t bad_values;   /* values not of the declared type (became null) */
  uint64_t null_weights; /* rule firings whose weight was null */
  uint64_t users;
  uint64_t other_partition; /* events and profiles of users outside this partition */
  double as_of;
} scorec_stats;

scorec_status scorec_scorer_stats(const scorec_scorer* scorer, scorec_stats* out);

/* ---- One user's results ---------------------------------------------------------- */

/* A snapshot of one user's outputs as of now; later input does not change it. */
typedef struct scorec_user_result scorec_user_result;

/* An unknown user (no event and no profile of that id, or of another partition):
 * SCOREC_ERROR_NOT_FOUND. Percentile scores rank the user among every user. */
scorec_status scorec_scorer_user(scorec_scorer* scorer, const char* user, scorec_user_result** out);
void scorec_user_result_free(scorec_user_result* result);

/* The strings live as long as the result handle. */
typedef struct scorec_score_value {
  const char* name;
  double raw;
  int has_scaled;   /* 1 when the score scales (linear or percentile) */
  double scaled;    /* valid when has_scaled */
  const char* tier; /* NULL when the score has no tiers */
} scorec_score_value;

typedef struct scorec_grade_value {
  const char* name;
  double points;
  const char* letter;
} scorec_grade_value;

/* By name, or by index in the rules' output order (SCOREC_NAMES_SCORES, _GRADES,
 * _SEGMENTS); an unknown name or an index out of range: SCOREC_ERROR_NOT_FOUND. */
scorec_status scorec_user_result_score(const scorec_user_result* result, const char* name, scorec_score_value* out);
scorec_status scorec_user_result_score_at(const scorec_user_result* result, size_t index, scorec_score_value* out);
scorec_status scorec_user_result_grade(const scorec_user_result* result, const char* name, scorec_grade_value* out);
scorec_status scorec_user_result_grade_at(const scorec_user_result* result, size_t index, scorec_grade_value* out);
/* *out is 1 when the user is in the segment, else 0. */
scorec_status scorec_user_result_segment(const scorec_user_result* result, const char* name, int* out);
scorec_status scorec_user_result_segment_at(const scorec_user_result* result, size_t index, int* out);

/* ---- Every user's results -------------------------------------------------------- */

/* A snapshot of every user's outputs as a table, users in first-appearance order. */
typedef struct scorec_results scorec_results;

scorec_status scorec_scorer_results(scorec_scorer* scorer, scorec_results** out);
void scorec_results_free(scorec_results* results);

/* The table's size: `rows` users; `columns` columns including "user_id" (column 0). */
scorec_status scorec_results_size(const scorec_results* results, size_t* rows, size_t* columns);
/* A column's name ("user_id", then as SCOREC_NAMES_COLUMNS). */
scorec_status scorec_results_column(const scorec_results* results, size_t column, const char** out);
/* A cell: column 0 is the user id (a string); others are a number, a string (tiers,
 * letters), a bool (segments) or null. Strings live as long as the results handle. */
scorec_status scorec_results_cell(const scorec_results* results, size_t row, size_t column, scorec_value* out);

/* The table as CSV, exactly what `scorec run --format csv` writes: *out is a
 * NUL-terminated string the caller frees with scorec_free_string; *size (optional, may
 * be NULL) its length in bytes without the NUL. */
scorec_status scorec_results_csv(const scorec_results* results, char** out, size_t* size);
/* The same, straight from a scorer. */
scorec_status scorec_scorer_results_csv(scorec_scorer* scorer, char** out, size_t* size);

/* Frees a string the library returned as `char*`; NULL is fine. */
void scorec_free_string(char* string);

#ifdef __cplusplus
}
#endif

#endif /* SCOREC_H */
