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

# Hostile rules files: every command reports an error (exit 1), none aborts.
# A byte that is not UTF-8 (a Windows-1252 'é' in a comment): E053, in every command
# that reads rules, and from standard input.
printf 'event email_open { campaign: string }\n// caf\xe9\nscore s {\n  on email_open +3\n}\n' >"$tmp/latin1.score"
printf '{"user_id":"a","event":"email_open","timestamp":"2024-03-01T10:00:00Z","campaign":"x"}\n' >"$tmp/ok.ndjson"
for cmd in "check" "ir" "test" "fmt" "run --events $tmp/ok.ndjson" "explain --user a --events $tmp/ok.ndjson" \
           "compile -o $tmp/latin1.o"; do
  # shellcheck disable=SC2086
  expect_exit 1 "$cmd on a Latin-1 file" -- "$scorec" $cmd "$tmp/latin1.score"
  expect_err "latin1.score:2:7: error[E053]: not UTF-8"
done
expect_exit 1 "diff on a Latin-1 file" -- "$scorec" diff "$tmp/rules.score" "$tmp/latin1.score" --events "$tmp/ok.ndjson"
expect_err "error[E053]"
expect_exit 1 "fmt - on Latin-1" -- sh -c "\"$scorec\" fmt - <\"$tmp/latin1.score\""
expect_err "<stdin>:2:7: error[E053]"
expect_err "Windows-1252"

# Imports stay inside the rules file's folder, the --import-path folders and the stdlib;
# nothing outside is read or quoted.
mkdir -p "$tmp/proj/sub" "$tmp/outside" "$tmp/shared"
echo 'event email_open { campaign: string }' >"$tmp/outside/events.score"
echo 'event email_open { campaign: string }' >"$tmp/shared/events.score"
echo 'SECRET_IN_A_SCORE_FILE=1' >"$tmp/outside/secret.score"
echo 'event email_open { campaign: string }' >"$tmp/proj/sub/events.score"
ln -s "$tmp/outside/secret.score" "$tmp/proj/link.score"
ln -s "$tmp/outside" "$tmp/proj/linkdir"
import_case() {  # import_case WANT_EXIT PATH [scorec options...]
  local want=$1 path=$2
  shift 2
  printf 'import "%s"\nscore s {\n  on email_open +3\n}\n' "$path" >"$tmp/proj/main.score"
  expect_exit "$want" "import $path" -- "$scorec" check "$@" "$tmp/proj/main.score"
}
export SCOREC_CLI_TEST_SECRET=do-not-print-me
import_case 1 /proc/self/environ
expect_err "error[E054]: an import must be a relative path"
if grep -q "do-not-print-me" "$tmp/err"; then bad "the environment was printed"; else ok; fi
import_case 1 /etc/passwd
expect_err "error[E054]"
import_case 1 ../outside/secret.score
expect_err "leads outside the folders imports may use"
expect_err "add --import-path DIR"
if grep -q "SECRET_IN_A_SCORE_FILE" "$tmp/err"; then bad "a file outside was quoted"; else ok; fi
import_case 1 stdlib/../../../../../../../../../etc/passwd.score
expect_err "error[E054]"
import_case 1 link.score
expect_err "through a symbolic link"
if grep -q "SECRET_IN_A_SCORE_FILE" "$tmp/err"; then bad "a symlinked file outside was quoted"; else ok; fi
import_case 1 linkdir/events.score
expect_err "through a symbolic link"
import_case 0 sub/events.score
import_case 0 sub/../sub/events.score
import_case 1 ../shared/events.score
import_case 0 ../shared/events.score --import-path "$tmp/shared"
import_case 0 events.score -I "$tmp/shared"
for cmd in ir test "run --events $tmp/ok.ndjson -q"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$cmd --import-path" -- "$scorec" $cmd --import-path "$tmp/shared" "$tmp/proj/main.score"
done

# An import chain 15000 files deep: E055 at the 65th, not a stack overflow.
mkdir -p "$tmp/chain"
for i in $(seq 1 15000); do echo "import \"$((i + 1)).score\"" >"$tmp/chain/$i.score"; done
echo 'event email_open { campaign: string }' >"$tmp/chain/15001.score"
expect_exit 1 "import chain 15000 deep" -- "$scorec" check "$tmp/chain/1.score"
expect_err "error[E055]: imports are nested more than 64 files deep"

# Nesting 100000 deep in every form the parser recurses on: E003, never a crash.
nest() { python3 -c "print('event e { x: number, s: string }\nscore s {\n  on e when ' + ($1) + ' +1\n}')" >"$tmp/deep.score"; }
for form in "'('*100000 + 'x > 0' + ')'*100000" "'-'*100000 + 'x > 0'" "'not '*100000 + 'true'" \
            "'s in ' + '['*100000 + '\"a\"' + ']'*100000" "('-'*199 + '(')*600 + 'x > 0' + ')'*600" \
            "('not '*199 + '(')*600 + 'true' + ')'*600" "' ?? '.join(['x']*100000) + ' > 0'" \
            "'max('*100000 + 'x' + ')'*100000 + ' > 0'" "'*'.join(['x']*100000) + ' > 0'"; do
  nest "$form"
  expect_exit 1 "nesting: $form" -- "$scorec" check "$tmp/deep.score"
  expect_err "error[E003]"
done

# Numbers too large for what they become: errors, not undefined behaviour.
printf 'event e {}\nscore s {\n  on e +1 limit 99999999999999999999\n}\n' >"$tmp/limit.score"
expect_exit 1 "huge limit" -- "$scorec" check "$tmp/limit.score"
expect_err "error[E044]: the limit must be at most 1000000000000000"
printf 'event e {}\nscore s {\n  window 99999999999999999999d\n  on e +1\n}\n' >"$tmp/window.score"
expect_exit 1 "huge window" -- "$scorec" check "$tmp/window.score"
expect_err "error[E002]: the duration '99999999999999999999d' is too long"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
