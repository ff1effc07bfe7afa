#!/usr/bin/env bash
# End-to-end checks of the scorec command: exit codes, error messages for bad input,
# --skip-bad counting, and that streaming in small chunks gives the same output as
# reading everything at once.
set -u
scorec=$1
gen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect_exit CODE DESCRIPTION -- COMMAND...
expect_exit() {
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want"; sed 's/^/    /' "$tmp/err"; fi
}
expect_err() {
  if grep -qF -- "$1" "$tmp/err"; then ok; else bad "stderr lacks '$1'"; sed 's/^/    /' "$tmp/err"; fi
}
expect_out() {
  if grep -qF -- "$1" "$tmp/out"; then ok; else bad "stdout lacks '$1'"; sed 's/^/    /' "$tmp/out"; fi
}

cat >"$tmp/rules.score" <<'RULES'
event email_open { campaign: string }
event purchase { amount: number }
score s {
  on email_open +3 cap 5 per 1d
  on purchase + amount
}
RULES

# Usage errors exit 2; --help exits 0 on every command.
expect_exit 2 "no command" -- "$scorec"
expect_exit 2 "unknown option" -- "$scorec" run "$tmp/rules.score" --events x --bogus
expect_exit 2 "missing --events" -- "$scorec" run "$tmp/rules.score"
expect_exit 2 "bad --as-of" -- "$scorec" run "$tmp/rules.score" --events "$tmp/rules.score" --as-of yesterday
expect_err "is not a date or time"
expect_exit 2 "bad --map" -- "$scorec" run "$tmp/rules.score" --events x.ndjson --map nonsense
for cmd in check run ir; do
  expect_exit 0 "$cmd --help" -- "$scorec" "$cmd" --help
done
expect_exit 0 "check clean" -- "$scorec" check "$tmp/rules.score"
expect_err "ok"

# A malformed line stops the run with the file and line; --skip-bad counts it instead.
printf '%s\n' \
  '{"user_id":"a","event":"email_open","timestamp":"2024-03-01T10:00:00Z","campaign":"x"}' \
  '{"user_id":"b","event":"email_open","timestamp":' \
  '{"user_id":"b","event":"purchase","timestamp":"2024-03-01T11:00:00Z","amount":"lots"}' \
  '{"user_id":"c","event":"refund","timestamp":"2024-03-01T12:00:00Z"}' >"$tmp/events.ndjson"
expect_exit 1 "malformed line" -- "$scorec" run "$tmp/rules.score" --events "$tmp/events.ndjson"
expect_err "events.ndjson:2"
expect_exit 0 "skip bad" -- "$scorec" run "$tmp/rules.score" --events "$tmp/events.ndjson" --skip-bad
expect_err "events read 3, used 2, skipped (bad lines) 1, unknown type 1"
expect_err "null weights 1"
expect_err "'refund' (1)"
expect_out "user_id,s_raw"
expect_out "a,3"
expect_exit 1 "missing events file" -- "$scorec" run "$tmp/rules.score" --events "$tmp/nope.ndjson"

# "nan" and "inf" are not numbers: such a value is null (a null weight), and counted.
printf '%s\n' '{"user_id":"n","event":"purchase","timestamp":"2024-03-01T11:00:00Z","amount":"nan"}' \
  '{"user_id":"n","event":"purchase","timestamp":"2024-03-01T11:00:00Z","amount":"inf"}' >"$tmp/nan.ndjson"
expect_exit 0 "nan and inf" -- "$scorec" run "$tmp/rules.score" --events "$tmp/nan.ndjson"
expect_err "null weights 2, values not of the declared type 2"
expect_out "n,0"

# Output formats.
expect_exit 0 "ndjson output" -- "$scorec" run "$tmp/rules.score" --events "$tmp/events.ndjson" --skip-bad --format ndjson
expect_out '{"user_id":"a","s_raw":3}'

# Streaming in chunks of 7 events gives byte-identical output to one in-memory pass,
# on generated data with caps, decay, aggregates and percentiles.
"$gen" --seed 7 --users 300 --events 20000 --days 60 --events-out "$tmp/gen.ndjson" \
  --profiles-out "$tmp/gen_profiles.csv" -q || bad "generator failed"
cat >"$tmp/gen.score" <<'RULES'
event email_open  { campaign: string }
event email_click { campaign: string, url: string }
event purchase    { amount: number, currency: string, items: number }
event login       { }
profile { plan: string, signed_up: timestamp, tags: list<string> }
score engagement {
  decay half_life 14d
  window 45d
  on email_open  +3 cap 9 per 7d
  on email_click +5 limit 2 per 1d
  on purchase    + amount * 0.1 cap 50
  when plan == "paid" +100
  when days_since(last(login) ?? signed_up) >= 30 -10
  scale percentile 1..10
  tiers { high >= 8, medium >= 4, low }
}
segment spender = sum(purchase.amount, 30d) >= 200
RULES
expect_exit 0 "in memory" -- "$scorec" run "$tmp/gen.score" --events "$tmp/gen.ndjson" --profiles "$tmp/gen_profiles.csv" -o "$tmp/a.csv"
expect_exit 0 "streamed" -- "$scorec" run "$tmp/gen.score" --events "$tmp/gen.ndjson" --profiles "$tmp/gen_profiles.csv" -o "$tmp/b.csv" --stream --chunk-events 7
if cmp -s "$tmp/a.csv" "$tmp/b.csv" && [ "$(wc -l <"$tmp/a.csv")" -gt 100 ]; then ok; else bad "streamed output differs"; fi

# Streaming refuses input whose per-user time order breaks across chunks when caps
# need it, instead of scoring it wrongly.
printf '%s\n' \
  '{"user_id":"a","event":"email_open","timestamp":"2024-03-01T10:00:00Z","campaign":"x"}' \
  '{"user_id":"a","event":"email_open","timestamp":"2024-03-01T09:00:00Z","campaign":"x"}' >"$tmp/unordered.ndjson"
expect_exit 1 "unordered stream" -- "$scorec" run "$tmp/rules.score" --events "$tmp/unordered.ndjson" --stream --chunk-events 1
expect_err "not in time order"
expect_exit 0 "unordered in memory" -- "$scorec" run "$tmp/rules.score" --events "$tmp/unordered.ndjson"
expect_out "a,5"

# A streamed standard input is read once: an identify message after events already
# scored would make the output depend on --chunk-events, so it is refused; a file is
# read twice and scores every event with the final traits.
printf 'event visit { }\nprofile { pn: number }\nscore v { on visit + pn }\n' >"$tmp/traits.score"
printf '%s\n' \
  '{"user_id":"u1","event":"visit","timestamp":"2024-02-20T00:00:00Z"}' \
  '{"type":"identify","userId":"u1","traits":{"pn":5}}' >"$tmp/traits.ndjson"
expect_exit 1 "identify late in streamed stdin" -- sh -c "\"$scorec\" run \"$tmp/traits.score\" --events - --stream --as-of 2024-03-01 --chunk-events 1 <\"$tmp/traits.ndjson\""
expect_err "follows events already scored"
expect_exit 0 "identify late in a streamed file" -- "$scorec" run "$tmp/traits.score" --events "$tmp/traits.ndjson" --stream --as-of 2024-03-01 --chunk-events 1
expect_out "u1,5"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
