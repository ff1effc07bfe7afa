/* The C ABI (scorec/scorec.h) end to end, from C: compile errors, the campaign example
 * scored exactly as `scorec run` scores it, events added one at a time and in a batch,
 * integer user keys, a state round trip, and the error codes of bad input and NULL
 * handles.
 *
 * usage: capi_test RULES EVENTS EXPECTED_CSV TMP_DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scorec/scorec.h"

static int failures = 0;

#define CHECK(cond)                                                                                                   \
  do {                                                                                                                \
    if (!(cond)) {                                                                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n  last error: %s\n", __FILE__, __LINE__, #cond, scorec_last_error()); \
      ++failures;                                                                                                     \
    }                                                                                                                 \
  } while (0)

/* A call that must succeed; the test cannot go on without it. */
#define REQUIRE_OK(call)                                                                                 \
  do {                                                                                                   \
    scorec_status st_ = (call);                                                                          \
    if (st_ != SCOREC_OK) {                                                                              \
      fprintf(stderr, "%s:%d: %s returned %s: %s\n", __FILE__, __LINE__, #call, scorec_status_name(st_), \
              scorec_last_error());                                                                      \
      exit(1);                                                                                           \
    }                                                                                                    \
  } while (0)

#define AS_OF 1717200000.0 /* 2024-06-01T00:00:00Z */
#define DAY 86400.0

/* A whole file as a NUL-terminated string (the caller frees it), or NULL. */
static char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  char* buf = NULL;
  long n = -1;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = '\0';
  if (size) *size = (size_t)n;
  return buf;
}

static int contains(const char* text, const char* part) { return text && strstr(text, part) != NULL; }

static double raw_of(scorec_scorer* scorer, const char* user, const char* score) {
  scorec_user_result* r = NULL;
  scorec_score_value v;
  REQUIRE_OK(scorec_scorer_user(scorer, user, &r));
  REQUIRE_OK(scorec_user_result_score(r, score, &v));
  scorec_user_result_free(r);
  return v.raw;
}

static char* csv_of(scorec_scorer* scorer) {
  char* csv = NULL;
  size_t size = 0;
  REQUIRE_OK(scorec_scorer_results_csv(scorer, &csv, &size));
  CHECK(strlen(csv) == size);
  return csv;
}

static int near(double a, double b) { return fabs(a - b) < 1e-9; }

static void test_compile_errors(void) {
  const char* source =
      "event click { }\n"
      "score s {\n"
      "  on clik +1\n"
      "}\n";
  scorec_rules* rules = NULL;
  CHECK(scorec_compile_string(source, "bad.score", NULL, &rules) == SCOREC_ERROR_RULES);
  CHECK(rules == NULL);
  CHECK(contains(scorec_last_error(), "bad.score:3:6"));
  CHECK(contains(scorec_last_error(), "clik"));
  CHECK(scorec_last_diagnostic_count() >= 1);
  scorec_diagnostic d;
  CHECK(scorec_last_diagnostic(0, &d) == SCOREC_OK);
  CHECK(d.severity == SCOREC_SEVERITY_ERROR && d.line == 3 && d.column == 6 && strcmp(d.file, "bad.score") == 0);
  CHECK(d.code[0] == 'E');
  CHECK(scorec_last_diagnostic(99, &d) == SCOREC_ERROR_NOT_FOUND);
  CHECK(contains(scorec_last_error(), "bad.score:3:6")); /* reading diagnostics keeps them */

  CHECK(scorec_compile_file("/no/such/rules.score", NULL, &rules) == SCOREC_ERROR_IO);
  CHECK(contains(scorec_last_error(), "/no/such/rules.score"));
  CHECK(rules == NULL);
}

static void test_null_handles(void) {
  scorec_rules* rules = NULL;
  scorec_scorer* scorer = NULL;
  size_t n = 0;
  double d = 0;
  char* csv = NULL;
  scorec_user_result* ur = NULL;
  scorec_stats stats;
  CHECK(scorec_compile_string(NULL, NULL, NULL, &rules) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "source"));
  CHECK(scorec_compile_string("event a { }", NULL, NULL, NULL) == SCOREC_ERROR_INPUT);
  CHECK(scorec_rules_from_aot(NULL, &rules) == SCOREC_ERROR_INPUT);
  CHECK(scorec_rules_count(NULL, SCOREC_NAMES_SCORES, &n) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_create(NULL, AS_OF, NULL, &scorer) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_load_state(NULL, "x", NULL, &scorer) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_add_event(NULL, "u", "email_open", AS_OF, NULL, 0) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "scorec_scorer_add_event") && contains(scorec_last_error(), "scorer"));
  CHECK(scorec_scorer_set_profile(NULL, "u", NULL, 0) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_add_events(NULL, NULL) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_read_events(NULL, "x", NULL) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_advance(NULL, AS_OF) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_as_of(NULL, &d) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_stats(NULL, &stats) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_user(NULL, "u", &ur) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_results_csv(NULL, &csv, NULL) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_save_state(NULL, "x") == SCOREC_ERROR_INPUT);
  CHECK(scorec_results_csv(NULL, &csv, NULL) == SCOREC_ERROR_INPUT);
  CHECK(scorec_user_result_score(NULL, "s", NULL) == SCOREC_ERROR_INPUT);
  CHECK(scorec_partition_of(NULL, 4, NULL) == SCOREC_ERROR_INPUT);
  CHECK(rules == NULL && scorer == NULL && ur == NULL && csv == NULL);
  /* Freeing NULL is fine. */
  scorec_rules_free(NULL);
  scorec_scorer_free(NULL);
  scorec_user_result_free(NULL);
  scorec_results_free(NULL);
  scorec_free_string(NULL);
}

static void test_introspection(const scorec_rules* rules) {
  size_t n = 0, i = 0;
  const char* name = NULL;
  REQUIRE_OK(scorec_rules_count(rules, SCOREC_NAMES_SCORES, &n));
  CHECK(n == 4);
  REQUIRE_OK(scorec_rules_name(rules, SCOREC_NAMES_SCORES, 0, &name));
  CHECK(strcmp(name, "engagement") == 0);
  REQUIRE_OK(scorec_rules_count(rules, SCOREC_NAMES_SEGMENTS, &n));
  CHECK(n == 3);
  REQUIRE_OK(scorec_rules_count(rules, SCOREC_NAMES_GRADES, &n));
  CHECK(n == 0);
  REQUIRE_OK(scorec_rules_count(rules, SCOREC_NAMES_EVENT_TYPES, &n));
  CHECK(n == 6);
  REQUIRE_OK(scorec_rules_count(rules, SCOREC_NAMES_PROFILE_ATTRIBUTES, &n));
  CHECK(n == 1);
  REQUIRE_OK(scorec_rules_count(rules, SCOREC_NAMES_COLUMNS, &n));
  CHECK(n == 15);
  REQUIRE_OK(scorec_rules_name(rules, SCOREC_NAMES_COLUMNS, 2, &name));
  CHECK(strcmp(name, "engagement_tier") == 0);
  REQUIRE_OK(scorec_rules_index(rules, SCOREC_NAMES_SCORES, "web", &i));
  CHECK(i == 3);
  CHECK(scorec_rules_index(rules, SCOREC_NAMES_SCORES, "nope", &i) == SCOREC_ERROR_NOT_FOUND);
  CHECK(scorec_rules_name(rules, SCOREC_NAMES_SCORES, 4, &name) == SCOREC_ERROR_NOT_FOUND);
  CHECK(scorec_rules_count(rules, (scorec_names)42, &n) == SCOREC_ERROR_INPUT);
  int native = 0;
  REQUIRE_OK(scorec_rules_has_native(rules, &native));
  CHECK(native == 1);
}

/* The table handle agrees with the CSV. */
static void test_results_table(scorec_scorer* scorer, const char* csv) {
  scorec_results* t = NULL;
  size_t rows = 0, cols = 0;
  REQUIRE_OK(scorec_scorer_results(scorer, &t));
  REQUIRE_OK(scorec_results_size(t, &rows, &cols));
  CHECK(rows == 10 && cols == 16);
  const char* name = NULL;
  REQUIRE_OK(scorec_results_column(t, 0, &name));
  CHECK(strcmp(name, "user_id") == 0);
  scorec_value v;
  REQUIRE_OK(scorec_results_cell(t, 0, 0, &v));
  CHECK(v.kind == SCOREC_VALUE_STRING && strcmp(v.as.string, "u101") == 0);
  REQUIRE_OK(scorec_results_cell(t, 0, 2, &v)); /* u101's engagement */
  CHECK(v.kind == SCOREC_VALUE_NUMBER && v.as.number == 9);
  REQUIRE_OK(scorec_results_cell(t, 0, 3, &v));
  CHECK(v.kind == SCOREC_VALUE_STRING && strcmp(v.as.string, "high") == 0);
  REQUIRE_OK(scorec_results_cell(t, 0, 13, &v)); /* hot */
  CHECK(v.kind == SCOREC_VALUE_BOOL && v.as.boolean == 1);
  CHECK(scorec_results_cell(t, 10, 0, &v) == SCOREC_ERROR_NOT_FOUND);
  CHECK(scorec_results_cell(t, 0, 16, &v) == SCOREC_ERROR_NOT_FOUND);
  char* again = NULL;
  REQUIRE_OK(scorec_results_csv(t, &again, NULL));
  CHECK(strcmp(again, csv) == 0);
  scorec_free_string(again);
  scorec_results_free(t);
}

static void test_user_result(scorec_scorer* scorer) {
  scorec_user_result* r = NULL;
  CHECK(scorec_scorer_user(scorer, "nobody", &r) == SCOREC_ERROR_NOT_FOUND);
  CHECK(r == NULL);
  CHECK(contains(scorec_last_error(), "nobody"));

  REQUIRE_OK(scorec_scorer_user(scorer, "u101", &r));
  scorec_score_value s;
  REQUIRE_OK(scorec_user_result_score(r, "engagement", &s));
  CHECK(strcmp(s.name, "engagement") == 0);
  CHECK(fabs(s.raw - 26.436664) < 1e-6);
  CHECK(s.has_scaled == 1 && s.scaled == 9);
  CHECK(s.tier && strcmp(s.tier, "high") == 0);
  REQUIRE_OK(scorec_user_result_score_at(r, 1, &s));
  CHECK(strcmp(s.name, "email") == 0 && s.scaled == 6 && strcmp(s.tier, "medium") == 0);
  CHECK(scorec_user_result_score(r, "nope", &s) == SCOREC_ERROR_NOT_FOUND);
  CHECK(scorec_user_result_score_at(r, 4, &s) == SCOREC_ERROR_NOT_FOUND);
  int in = 0;
  REQUIRE_OK(scorec_user_result_segment(r, "hot", &in));
  CHECK(in == 1);
  REQUIRE_OK(scorec_user_result_segment_at(r, 2, &in)); /* retarget_web */
  CHECK(in == 0);
  scorec_grade_value g;
  CHECK(scorec_user_result_grade(r, "fit", &g) == SCOREC_ERROR_NOT_FOUND);
  CHECK(scorec_user_result_grade_at(r, 0, &g) == SCOREC_ERROR_NOT_FOUND);
  scorec_user_result_free(r);
}

/* Events added one at a time and as a batch move raw scores by what the rules say. */
static void test_add_events(scorec_scorer* scorer) {
  /* u102: engagement_raw 16.541951. An email click now (+5) and a push click 30 days
   * ago (+4, halved by the 30-day half-life). */
  double before = raw_of(scorer, "u102", "engagement");
  double push_before = raw_of(scorer, "u102", "push");
  scorec_field click[] = {{"campaign", scorec_string("june")}, {"url", scorec_string("/pricing")}};
  REQUIRE_OK(scorec_scorer_add_event(scorer, "u102", "email_click", AS_OF, click, 2));
  scorec_field push[] = {{"campaign", scorec_string("may")}};
  REQUIRE_OK(scorec_scorer_add_event(scorer, "u102", "push_click", AS_OF - 30 * DAY, push, 1));
  CHECK(near(raw_of(scorer, "u102", "engagement") - before, 5 + 2));
  CHECK(near(raw_of(scorer, "u102", "push") - push_before, 2));

  /* An unknown property is refused, names it, and changes nothing. */
  scorec_field bogus[] = {{"campaign", scorec_string("x")}, {"clicks", scorec_number(3)}};
  CHECK(scorec_scorer_add_event(scorer, "u102", "email_click", AS_OF, bogus, 2) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "clicks"));
  CHECK(near(raw_of(scorer, "u102", "engagement") - before, 7));
  scorec_field bad_attr[] = {{"tier", scorec_string("gold")}};
  CHECK(scorec_scorer_set_profile(scorer, "u102", bad_attr, 1) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "tier"));
  scorec_field bad_kind[] = {{"campaign", {(scorec_value_kind)99, {0}}}};
  CHECK(scorec_scorer_add_event(scorer, "u102", "email_open", AS_OF, bad_kind, 1) == SCOREC_ERROR_INPUT);

  /* A new user: a paid plan (+10), a 4-minute visit (+4), a visit with no duration
   * (+0.5) and an open (+3), in one batch; engagement 17.5, web 4.5. The batch's
   * unknown event type is counted. */
  scorec_stats stats;
  REQUIRE_OK(scorec_scorer_stats(scorer, &stats));
  const uint64_t unknown_before = stats.unknown_type, pending_before = stats.pending;
  scorec_field paid[] = {{"plan", scorec_string("paid")}};
  REQUIRE_OK(scorec_scorer_set_profile(scorer, "capi-1", paid, 1));
  const char* users[] = {"capi-1", "capi-1", "capi-1", "capi-2"};
  const char* types[] = {"site_visit", "site_visit", "email_open", "unknown_type"};
  const double ts[] = {AS_OF, AS_OF, AS_OF, AS_OF};
  const double seconds[] = {240, NAN, 0, 0};
  const char* pages[] = {"/a", NULL, "/c", "/d"};
  scorec_column columns[] = {{"seconds", seconds, NULL, NULL}, {"page", NULL, pages, NULL}};
  scorec_event_columns batch = {4, users, types, ts, columns, 2, NULL};
  REQUIRE_OK(scorec_scorer_add_events(scorer, &batch));
  CHECK(near(raw_of(scorer, "capi-1", "engagement"), 17.5));
  CHECK(near(raw_of(scorer, "capi-1", "web"), 4.5));

  scorec_column undeclared[] = {{"nope", seconds, NULL, NULL}};
  scorec_event_columns bad = {4, users, types, ts, undeclared, 1, NULL};
  CHECK(scorec_scorer_add_events(scorer, &bad) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "nope"));
  scorec_column both[] = {{"page", seconds, pages, NULL}};
  scorec_event_columns ambiguous = {4, users, types, ts, both, 1, NULL};
  CHECK(scorec_scorer_add_events(scorer, &ambiguous) == SCOREC_ERROR_INPUT);

  REQUIRE_OK(scorec_scorer_stats(scorer, &stats));
  CHECK(stats.unknown_type == unknown_before + 1);
  CHECK(stats.as_of == AS_OF);
  CHECK(stats.pending == pending_before);

  /* An event after the as-of time waits for advance. */
  REQUIRE_OK(scorec_scorer_add_event(scorer, "capi-1", "email_click", AS_OF + DAY, NULL, 0));
  REQUIRE_OK(scorec_scorer_stats(scorer, &stats));
  CHECK(stats.pending == pending_before + 1);
  CHECK(near(raw_of(scorer, "capi-1", "email"), 3));
  CHECK(scorec_scorer_advance(scorer, AS_OF - DAY) == SCOREC_ERROR_INPUT);
  /* Times outside years 0001 to 9999, and NaN, are errors, not instants. */
  CHECK(scorec_scorer_advance(scorer, 1e300) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_advance(scorer, NAN) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_add_event(scorer, "capi-1", "email_click", 1e300, NULL, 0) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "not an instant scorec represents"));
  REQUIRE_OK(scorec_scorer_advance(scorer, AS_OF + DAY));
  double as_of = 0;
  REQUIRE_OK(scorec_scorer_as_of(scorer, &as_of));
  CHECK(as_of == AS_OF + DAY);
  /* The open, a day older now, decays by 2^(-1/30); the click is new. */
  CHECK(near(raw_of(scorer, "capi-1", "email"), 3 * pow(2, -1.0 / 30) + 5));
}

/* Integer user keys: key k is the user "k". Hand-computed (events at the as-of time, no
 * decay yet): user 900 clicks (+5) and opens (+3), 901 clicks; then an event by the id
 * "900" reaches the same user. The same events by ids give the same table. */
static void test_user_keys(const scorec_rules* rules) {
  scorec_scorer_options keyed = {SCOREC_ENGINE_NATIVE, 0, 0, 1000};
  scorec_scorer *by_key = NULL, *by_id = NULL, *no_keys = NULL;
  REQUIRE_OK(scorec_scorer_create(rules, AS_OF, &keyed, &by_key));
  REQUIRE_OK(scorec_scorer_create(rules, AS_OF, NULL, &by_id));
  REQUIRE_OK(scorec_scorer_create(rules, AS_OF, NULL, &no_keys));
  const uint32_t keys[] = {900, 900, 901};
  const char* ids[] = {"900", "900", "901"};
  const char* types[] = {"email_click", "email_open", "email_click"};
  const double ts[] = {AS_OF, AS_OF, AS_OF};
  scorec_event_columns batch = {3, NULL, types, ts, NULL, 0, keys};
  REQUIRE_OK(scorec_scorer_add_events(by_key, &batch));
  scorec_event_columns same = {3, ids, types, ts, NULL, 0, NULL};
  REQUIRE_OK(scorec_scorer_add_events(by_id, &same));
  CHECK(near(raw_of(by_key, "900", "engagement"), 8));
  CHECK(near(raw_of(by_key, "901", "engagement"), 5));
  char *a = csv_of(by_key), *b = csv_of(by_id);
  CHECK(strcmp(a, b) == 0);
  scorec_free_string(a);
  scorec_free_string(b);
  REQUIRE_OK(scorec_scorer_add_event(by_key, "900", "email_click", AS_OF, NULL, 0));
  CHECK(near(raw_of(by_key, "900", "engagement"), 13));

  /* Refused, and nothing added: a key at the limit, both ids and keys, keys on a scorer
   * created without a limit. */
  scorec_stats stats;
  REQUIRE_OK(scorec_scorer_stats(by_key, &stats));
  const uint64_t events = stats.events;
  const uint32_t too_big[] = {1, 1000, 2};
  scorec_event_columns out_of_range = {3, NULL, types, ts, NULL, 0, too_big};
  CHECK(scorec_scorer_add_events(by_key, &out_of_range) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "user key 1000 is not below the scorer's user_key_limit 1000"));
  scorec_event_columns both = {3, ids, types, ts, NULL, 0, keys};
  CHECK(scorec_scorer_add_events(by_key, &both) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "both"));
  REQUIRE_OK(scorec_scorer_stats(by_key, &stats));
  CHECK(stats.events == events);
  CHECK(stats.users == 2);
  CHECK(scorec_scorer_add_events(no_keys, &batch) == SCOREC_ERROR_INPUT);
  CHECK(contains(scorec_last_error(), "user_key_limit"));
  scorec_scorer_free(by_key);
  scorec_scorer_free(by_id);
  scorec_scorer_free(no_keys);
}

static void test_state(const scorec_rules* rules, scorec_scorer* scorer, const char* tmp_dir) {
  char path[4096], junk[4096];
  snprintf(path, sizeof path, "%s/capi_state.bin", tmp_dir);
  snprintf(junk, sizeof junk, "%s/capi_junk.bin", tmp_dir);
  char* before = csv_of(scorer);
  REQUIRE_OK(scorec_scorer_save_state(scorer, path));
  scorec_scorer* loaded = NULL;
  REQUIRE_OK(scorec_scorer_load_state(rules, path, NULL, &loaded));
  char* after = csv_of(loaded);
  CHECK(strcmp(before, after) == 0);
  scorec_free_string(after);
  scorec_scorer_free(loaded);

  /* The interpreter reads the same state and agrees. */
  scorec_scorer_options interp = {SCOREC_ENGINE_INTERPRETER, 0, 0, 0};
  REQUIRE_OK(scorec_scorer_load_state(rules, path, &interp, &loaded));
  after = csv_of(loaded);
  CHECK(strcmp(before, after) == 0);
  scorec_free_string(after);
  scorec_scorer_free(loaded);
  scorec_free_string(before);

  loaded = NULL;
  FILE* f = fopen(junk, "wb");
  if (f) {
    fputs("not a state file", f);
    fclose(f);
  }
  CHECK(scorec_scorer_load_state(rules, junk, NULL, &loaded) == SCOREC_ERROR_STATE);
  CHECK(scorec_scorer_load_state(rules, "/no/such/state.bin", NULL, &loaded) == SCOREC_ERROR_IO);
  scorec_scorer_options wrong = {SCOREC_ENGINE_NATIVE, 3, 2, 0};
  CHECK(scorec_scorer_load_state(rules, path, &wrong, &loaded) == SCOREC_ERROR_INPUT);
  scorec_scorer_options other = {SCOREC_ENGINE_NATIVE, 1, 2, 0};
  CHECK(scorec_scorer_load_state(rules, path, &other, &loaded) == SCOREC_ERROR_STATE);
  CHECK(loaded == NULL);
  CHECK(scorec_scorer_save_state(scorer, "/no/such/dir/state.bin") == SCOREC_ERROR_IO);
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s RULES EVENTS EXPECTED_CSV TMP_DIR\n", argv[0]);
    return 2;
  }
  const char *rules_path = argv[1], *events = argv[2], *expected_path = argv[3], *tmp_dir = argv[4];
  CHECK(strlen(scorec_version()) > 0);
  CHECK(strcmp(scorec_last_error(), "") == 0);
  test_compile_errors();
  test_null_handles();

  scorec_compile_options copts = {0, 1, NULL}; /* no cache: leave the user's home alone */
  scorec_rules* rules = NULL;
  REQUIRE_OK(scorec_compile_file(rules_path, &copts, &rules));
  test_introspection(rules);

  scorec_scorer* scorer = NULL;
  REQUIRE_OK(scorec_scorer_create(rules, AS_OF, NULL, &scorer));
  CHECK(scorec_scorer_read_events(scorer, "/no/such/events.ndjson", NULL) == SCOREC_ERROR_IO);
  REQUIRE_OK(scorec_scorer_read_events(scorer, events, NULL));

  size_t expected_size = 0;
  char* expected = read_file(expected_path, &expected_size);
  CHECK(expected != NULL);
  char* csv = csv_of(scorer);
  CHECK(expected && strcmp(csv, expected) == 0);
  if (expected && strcmp(csv, expected) != 0) fprintf(stderr, "got:\n%s\nwant:\n%s\n", csv, expected);
  test_results_table(scorer, csv);
  test_user_result(scorer);

  /* The interpreter scores the same. */
  scorec_scorer_options interp = {SCOREC_ENGINE_INTERPRETER, 0, 0, 0};
  scorec_scorer* reference = NULL;
  REQUIRE_OK(scorec_scorer_create(rules, AS_OF, &interp, &reference));
  REQUIRE_OK(scorec_scorer_read_events(reference, events, NULL));
  char* reference_csv = csv_of(reference);
  CHECK(strcmp(reference_csv, csv) == 0);
  scorec_free_string(reference_csv);
  scorec_scorer_free(reference);

  /* Partitions: every user lands in exactly one of two partitions. */
  uint32_t p = 7;
  REQUIRE_OK(scorec_partition_of("u101", 2, &p));
  CHECK(p < 2);
  CHECK(scorec_partition_of("u101", 0, &p) == SCOREC_ERROR_INPUT);
  scorec_scorer_options bad_partition = {SCOREC_ENGINE_NATIVE, 2, 2, 0};
  scorec_scorer* none = NULL;
  CHECK(scorec_scorer_create(rules, AS_OF, &bad_partition, &none) == SCOREC_ERROR_INPUT);
  CHECK(none == NULL);
  CHECK(scorec_scorer_create(rules, -1e300, NULL, &none) == SCOREC_ERROR_INPUT);
  CHECK(scorec_scorer_create(rules, NAN, NULL, &none) == SCOREC_ERROR_INPUT);
  CHECK(none == NULL);

  test_add_events(scorer);
  test_user_keys(rules);
  test_state(rules, scorer, tmp_dir);

  /* The scorer keeps what it needs of the rules: free the rules first. */
  scorec_rules_free(rules);
  CHECK(raw_of(scorer, "capi-1", "engagement") > 0);
  scorec_scorer_free(scorer);
  scorec_free_string(csv);
  free(expected);

  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("capi_test: all checks passed\n");
  return 0;
}
