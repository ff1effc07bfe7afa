#!/usr/bin/env bash
# After a run, the input is checked against the rules: event types the rules do not
# declare and declared types the input never held are listed in full, with a
# did-you-mean between the two lists; values not of their declared type are shown
# with file, line, column and text (the first five, then a count by column);
# `--strict` makes any of these an error (exit 1, nothing written).
set -u
scorec=$(realpath "$1")
source "$(dirname "$0")/expect.sh"

cat >"$tmp/rules.score" <<'RULES'
event email_open { }
event email_click { }
event push_click { }
event webinar { }
event site_visit { }
event app_open { }
event purchase { amount: number, at: timestamp }
score s {
  on email_open +3
  on email_click +5
  on push_click +1
  on webinar +1
  on site_visit +1
  on app_open +1
  on purchase + (amount ?? 0)
}
RULES
# Seven names that are not declared as written (more than the old summary's five): none
# may be cut off; two of them are declared events in one spelling.
cat >"$tmp/events.csv" <<'CSV'
user,event,ts,amount,at
u1,email_opened,2024-01-01T00:00:00Z,,
u1,Email Click,2024-01-02T00:00:00Z,,
u1,push-click,2024-01-02T00:00:00Z,,
u1,x1,2024-01-02T00:00:00Z,,
u1,x2,2024-01-02T00:00:00Z,,
u1,x3,2024-01-02T00:00:00Z,,
u1,x4,2024-01-02T00:00:00Z,,
u1,site_visit,2024-01-02T00:00:00Z,,
u1,app_open,2024-01-02T00:00:00Z,,
u2,purchase,2024-01-03T00:00:00Z,"1,200",03/05/2024
u2,purchase,2024-01-03T00:00:00Z,12,x
u2,purchase,2024-01-03T00:00:00Z,abc,
u2,purchase,2024-01-03T00:00:00Z,1e,
u2,purchase,2024-01-03T00:00:00Z,7 EUR,
u2,purchase,2024-01-03T00:00:00Z,,2024-13-01
CSV

expect_exit 0 "a run reports, but does not fail" -- "$scorec" run "$tmp/rules.score" --events "$tmp/events.csv"
expect_out "u2,12"
expect_err "'email_opened' (1) did you mean 'email_open'? (--map 'alias.email_open=email_opened')"
# Names that are a declared event in one spelling (case, spaces, '-') are read as it, and listed.
expect_err "summary: input names read as declared events: 'Email Click' -> email_click (1), 'push-click' -> push_click (1)"
expect_err "'x4' (1)"
expect_err "declared event types the input never contained: 'email_open' (the input has 'email_opened'), 'webinar'"
expect_err "bad value at $tmp/events.csv:11, column 'amount' (number): '1,200'"
expect_err "bad value at $tmp/events.csv:11, column 'at' (timestamp): '03/05/2024'"
expect_err "bad value at $tmp/events.csv:12, column 'at' (timestamp): 'x'"
expect_err "bad value at $tmp/events.csv:13, column 'amount' (number): 'abc'"
expect_err "bad value at $tmp/events.csv:14, column 'amount' (number): '1e'"
expect_err "and 2 more bad values (by column: 'amount' 4, 'at' 3)"
if grep -q "and [0-9]* more'\|, and [0-9]* more$" "$tmp/err"; then bad "a list was cut off"; else ok; fi

expect_exit 1 "--strict fails" -- "$scorec" run "$tmp/rules.score" --events "$tmp/events.csv" --strict -o "$tmp/out.csv" -q
expect_err "error: --strict: 5 event types in the input are not declared; 2 declared event types never occurred; 7 values are not of the declared type"
expect_err "'email_opened' (1) did you mean 'email_open'?"
if [ -e "$tmp/out.csv" ]; then bad "--strict wrote the output"; else ok; fi

# The aliases the hint suggests make the input match; a clean input passes --strict.
cat >"$tmp/clean.ndjson" <<'JSON'
{"userId":"a","event":"email_opened","timestamp":"2024-01-01T00:00:00Z"}
{"userId":"a","event":"Email Click","timestamp":"2024-01-01T00:00:00Z"}
{"userId":"a","event":"push_click","timestamp":"2024-01-01T00:00:00Z"}
{"userId":"a","event":"webinar","timestamp":"2024-01-01T00:00:00Z"}
{"userId":"a","event":"site_visit","timestamp":"2024-01-01T00:00:00Z"}
{"userId":"a","event":"app_open","timestamp":"2024-01-01T00:00:00Z"}
{"userId":"b","event":"purchase","timestamp":"2024-01-01T00:00:00Z","amount":5}
JSON
expect_exit 0 "aliases make it strict-clean" -- "$scorec" run "$tmp/rules.score" --events "$tmp/clean.ndjson" --strict \
  --map 'alias.email_open=email_opened' --map 'alias.email_click=Email Click'
expect_out "a,"
expect_out "b,5"
if grep -q "never contained\|do not declare\|bad value" "$tmp/err"; then bad "findings on a clean input"; else ok; fi

# JSON values: the field name, and a value of the wrong kind.
printf '%s\n' '{"userId":"b","event":"purchase","timestamp":"2024-01-01T00:00:00Z","amount":{"v":1},"at":true}' >>"$tmp/clean.ndjson"
expect_exit 1 "a JSON object is a bad number" -- "$scorec" run "$tmp/rules.score" --events "$tmp/clean.ndjson" --strict \
  --map 'alias.email_open=email_opened' --map 'alias.email_click=Email Click'
expect_err "bad value at $tmp/clean.ndjson:8, column 'amount' (number): '{...}'"
expect_err "bad value at $tmp/clean.ndjson:8, column 'at' (timestamp): 'true'"

# Profile attributes are checked too.
cat >"$tmp/prof.score" <<'RULES'
event email_open { }
profile { employees: number }
score s {
  on email_open +1
  when employees > 10 +5
}
RULES
printf 'user_id,employees\na,"1,200"\n' >"$tmp/profiles.csv"
expect_exit 1 "a bad profile value under --strict" -- "$scorec" run "$tmp/prof.score" --events "$tmp/clean.ndjson" \
  --profiles "$tmp/profiles.csv" --strict --map 'alias.email_open=email_opened'
expect_err "bad value at $tmp/profiles.csv:2, column 'employees' (number): '1,200'"

# Events declared only by an imported tracking plan are not "never occurred": a plan
# declares every event of the spec, an input has a few. One the rules file declares
# itself is.
mkdir -p "$tmp/plan"
cp examples/segment/events.ndjson "$tmp/plan/"
{ echo 'import "stdlib/segment_ecommerce.score"'; echo 'event webinar_joined { }'; echo 'score s { on order_completed +1'; echo '  on webinar_joined +1 }'; } >"$tmp/plan/rules.score"
expect_exit 1 "an imported plan under --strict" -- "$scorec" run "$tmp/plan/rules.score" --events "$tmp/plan/events.ndjson" \
  --strict --import-path . -o "$tmp/plan/out.csv"
expect_err "error: --strict: 2 event types in the input are not declared; 1 declared event type never occurred"
expect_err "summary: declared event types the input never contained: 'webinar_joined'"
finish
