#!/usr/bin/env bash
# End-to-end checks of the scorec command: exit codes, error messages for bad input,
# --skip-bad counting, and that streaming in small chunks gives the same output as
# reading everything at once.
set -u
scorec=$1
gen=$2
source "$(dirname "$0")/expect.sh"

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

# The compiled-code cache: a private folder (created 0700) or none, never a shared one
# under $TMPDIR; a folder others can write is not used, with one warning line (not with
# --quiet); whatever sits at an entry's path only costs a recompile.
printf '%s\n' '{"user_id":"a","event":"email_open","timestamp":"2024-03-01T10:00:00Z","campaign":"x"}' >"$tmp/one.ndjson"
cached() { expect_exit 0 "$1" -- env SCOREC_CACHE_DIR="$tmp/cache" "$scorec" run "$tmp/rules.score" --events "$tmp/one.ndjson" "${@:2}"; }
no_warning() { if grep -q "warning" "$tmp/err"; then bad "$1: unexpected warning"; sed 's/^/    /' "$tmp/err"; else ok; fi; }
cached "cache cold"
expect_out "a,3"
no_warning "cache cold"
if [ "$(stat -c %a "$tmp/cache")" = 700 ]; then ok; else bad "cache folder mode $(stat -c %a "$tmp/cache"), expected 700"; fi
entry=$(ls "$tmp"/cache/*.scorec-obj)
rm "$entry" && mkdir "$entry"
cached "directory at the cache entry"
expect_out "a,3"
cached "directory at the cache entry, again"
expect_out "a,3"
rmdir "$entry"
chmod 777 "$tmp/cache"
cached "cache folder writable by others"
expect_out "a,3"
expect_err "warning: compiled-code cache disabled: '$tmp/cache' is writable by other users (mode 0777); run 'chmod 700 $tmp/cache' to use it"
if [ "$(grep -c warning "$tmp/err")" = 1 ]; then ok; else bad "expected one warning line"; fi
if [ -z "$(ls -A "$tmp/cache")" ]; then ok; else bad "a cache folder writable by others was written"; fi
cached "cache folder writable by others, --quiet" --quiet
no_warning "--quiet"
mkdir "$tmp/tmpdir"
expect_exit 0 "no HOME" -- env -u HOME -u XDG_CACHE_HOME -u SCOREC_CACHE_DIR TMPDIR="$tmp/tmpdir" "$scorec" run "$tmp/rules.score" --events "$tmp/one.ndjson"
expect_out "a,3"
no_warning "no HOME"
if [ -z "$(ls -A "$tmp/tmpdir")" ]; then ok; else bad "without HOME a cache was made under TMPDIR: $(ls -A "$tmp/tmpdir")"; fi

# Hostile input: nothing is dropped without being counted and reported.
printf '%s\n' \
  '{"user_id":"a","event":"email_open","timestamp":"2024-03-01T10:00:00Z","campaign":"x"}' \
  '{"user_id":"b","event":"purchase","timestamp":"2024-03-01T11:00:00Z","amount":4}' >"$tmp/ok.ndjson"
# --stream reads the events twice (first for the as-of time): a pipe or a FIFO cannot be
# read twice, so it is refused instead of scoring everyone 0 or waiting forever.
expect_exit 1 "stream from a pipe" -- "$scorec" run "$tmp/rules.score" --events <(cat "$tmp/ok.ndjson") --stream
expect_err "cannot be read twice"
expect_err "write it to a file"
mkfifo "$tmp/fifo"
expect_exit 1 "stream from a FIFO" -- timeout 20 "$scorec" run "$tmp/rules.score" --events "$tmp/fifo" --stream
expect_err "fifo: --stream reads the events twice"
# With --as-of there is one pass, which a pipe allows; profiles are read once anyway.
printf 'user_id,plan\na,pro\n' >"$tmp/p.csv"
expect_exit 0 "stream a pipe with --as-of" -- "$scorec" run "$tmp/rules.score" --events <(cat "$tmp/ok.ndjson") \
  --profiles <(cat "$tmp/p.csv") --stream --as-of 2024-03-02
expect_out "b,4"
expect_exit 0 "profiles from a pipe" -- "$scorec" run "$tmp/rules.score" --events "$tmp/ok.ndjson" --profiles <(cat "$tmp/p.csv") --stream
expect_err "profiles read 1"
expect_exit 2 "stdin twice" -- "$scorec" run "$tmp/rules.score" --events - --profiles - </dev/null
expect_err "only one of --events and --profiles can be standard input"

# A stray quote is a bad line at the line that opens it; --skip-bad skips just that line.
printf 'user_id,event,timestamp,amount\na,purchase,2024-03-01,"1\nb,purchase,2024-03-01,2\nc,purchase,2024-03-01,"3"\n' >"$tmp/stray.csv"
expect_exit 1 "stray quote" -- "$scorec" run "$tmp/rules.score" --events "$tmp/stray.csv"
expect_err "stray.csv:2: field 4: a quoted field opened on this line closes on line 4"
expect_exit 0 "stray quote skipped" -- "$scorec" run "$tmp/rules.score" --events "$tmp/stray.csv" --skip-bad
expect_err "events read 2, used 2, skipped (bad lines) 1"
expect_out "b,2"

# Old-Mac CR line ends, blank lines and trimmed ids are read and counted.
printf 'user_id,event,timestamp,amount\r a ,purchase,2024-03-01,1\r\ra,purchase,2024-03-01,2\r' >"$tmp/mac.csv"
expect_exit 0 "CR line ends" -- "$scorec" run "$tmp/rules.score" --events "$tmp/mac.csv"
expect_err "events read 2,"
expect_err "summary: blank lines 1, user ids trimmed 1"
expect_out "a,3"

# Mapping files are small text files.
expect_exit 2 "mapping from a device" -- "$scorec" run "$tmp/rules.score" --events "$tmp/ok.ndjson" --mapping /dev/zero
expect_err "cannot read a mapping file from a device"

# --csv-safe keeps ids that spreadsheets would run as formulas from being formulas.
printf '%s\n' '{"user_id":"=cmd|'"'"' /C calc'"'"'!A0","event":"purchase","timestamp":"2024-03-01T11:00:00Z","amount":-3.5}' >"$tmp/formula.ndjson"
expect_exit 0 "csv-safe" -- "$scorec" run "$tmp/rules.score" --events "$tmp/formula.ndjson" --csv-safe
expect_out "'=cmd|' /C calc'!A0,-3.5"
expect_exit 0 "csv default" -- "$scorec" run "$tmp/rules.score" --events "$tmp/formula.ndjson"
expect_out "=cmd|' /C calc'!A0,-3.5"

# Times outside years 0001-9999: --as-of is a usage error, an event time a bad line.
expect_exit 2 "--as-of 1e300" -- "$scorec" run "$tmp/rules.score" --events "$tmp/unordered.ndjson" --as-of 1e300
expect_err "--as-of '1e300' is outside the times scorec represents (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"
printf '%s\n' '{"user_id":"a","event":"purchase","timestamp":1e300,"amount":1}' \
  '{"user_id":"a","event":"purchase","timestamp":"2024-03-01T10:00:00Z","amount":2}' >"$tmp/far.ndjson"
expect_exit 1 "event time 1e300" -- "$scorec" run "$tmp/rules.score" --events "$tmp/far.ndjson"
expect_err "far.ndjson:1: field 'timestamp': the time '1e300' is outside the range scorec represents"
expect_exit 0 "event time 1e300 skipped" -- "$scorec" run "$tmp/rules.score" --events "$tmp/far.ndjson" --skip-bad
expect_err "skipped (bad lines) 1"
expect_err "as of 2024-03-01T10:00:00Z (latest event)"
expect_out "a,2"

# A state file is read header first: /dev/zero and a directory are refused at once.
expect_exit 1 "state from /dev/zero" -- "$scorec" run "$tmp/rules.score" --events "$tmp/far.ndjson" --skip-bad --state-in /dev/zero
expect_err "/dev/zero: not a scorec state file"

# finalize refuses the state of one partition of a split run, naming the others.
for k in 0 1 2; do
  "$scorec" run "$tmp/gen.score" --events "$tmp/gen.ndjson" --profiles "$tmp/gen_profiles.csv" --partition "$k/3" \
    --state-out "$tmp/p$k.bin" -q >/dev/null 2>&1 ||
    bad "partition $k failed"
done
expect_exit 1 "finalize one of three" -- "$scorec" finalize "$tmp/gen.score" "$tmp/p1.bin"
expect_err "the run was split into 3 partitions, and the states of partitions 0/3, 2/3 are missing"
expect_exit 1 "finalize two of three" -- "$scorec" finalize "$tmp/gen.score" "$tmp/p2.bin" "$tmp/p0.bin"
expect_err "the state of partition 1/3 is missing"
expect_exit 0 "finalize all" -- "$scorec" finalize "$tmp/gen.score" "$tmp/p2.bin" "$tmp/p0.bin" "$tmp/p1.bin" -o "$tmp/all.csv"
if cmp -s "$tmp/all.csv" "$tmp/a.csv"; then ok; else bad "finalized partitions differ from one run"; fi

# An output never overwrites an input: the same file however it is named (./x, a
# symbolic link, a hard link), and the input is left as it was.
cp "$tmp/far.ndjson" "$tmp/far.orig"
ln -s "$tmp/far.ndjson" "$tmp/far.link"
ln "$tmp/far.ndjson" "$tmp/far.hard"
for out in "$tmp/far.ndjson" "$tmp/./far.ndjson" "$tmp/far.link" "$tmp/far.hard"; do
  expect_exit 2 "-o $out" -- "$scorec" run "$tmp/rules.score" --events "$tmp/far.ndjson" --skip-bad -o "$out"
  expect_err "is also an input (--events '$tmp/far.ndjson'); scorec does not overwrite its inputs"
done
expect_exit 2 "--state-out events" -- "$scorec" run "$tmp/rules.score" --events "$tmp/far.ndjson" --skip-bad --state-out "$tmp/far.link"
expect_err "--state-out '$tmp/far.link' is also an input (--events"
expect_exit 2 "-o rules" -- "$scorec" run "$tmp/rules.score" --events "$tmp/far.ndjson" --skip-bad -o "$tmp/rules.score"
expect_exit 2 "-o = --state-out" -- "$scorec" run "$tmp/rules.score" --events "$tmp/far.ndjson" --skip-bad -o "$tmp/new.out" --state-out "$tmp/./new.out"
expect_err "-o and --state-out name the same file"
expect_exit 2 "-o state-in" -- "$scorec" run "$tmp/gen.score" --events "$tmp/gen.ndjson" --partition 0/3 --state-in "$tmp/p0.bin" -o "$tmp/p0.bin"
expect_exit 2 "finalize -o state" -- "$scorec" finalize "$tmp/gen.score" "$tmp/p0.bin" "$tmp/p1.bin" "$tmp/p2.bin" -o "$tmp/p1.bin"
expect_err "-o '$tmp/p1.bin' is also an input (STATE '$tmp/p1.bin')"
expect_exit 2 "explain -o events" -- "$scorec" explain "$tmp/rules.score" --events "$tmp/far.ndjson" --user a -o "$tmp/far.hard"
expect_exit 2 "diff -o new rules" -- "$scorec" diff "$tmp/rules.score" "$tmp/gen.score" --events "$tmp/far.ndjson" -o "$tmp/gen.score"
expect_exit 2 "compile -o rules" -- "$scorec" compile "$tmp/rules.score" -o "$tmp/rules.score"
expect_err "-o '$tmp/rules.score' is also an input (RULES"
expect_exit 2 "compile --header rules" -- "$scorec" compile "$tmp/rules.score" -o "$tmp/rules.o" --header "$tmp/rules.score"
if cmp -s "$tmp/far.ndjson" "$tmp/far.orig" && grep -q "^score s" "$tmp/rules.score" && [ -s "$tmp/p1.bin" ]; then ok; else
  bad "a refused command changed its input"
fi
# Continuing a state in place is allowed: it is read whole, then replaced atomically.
expect_exit 0 "--state-in = --state-out" -- "$scorec" run "$tmp/gen.score" --events "$tmp/gen.ndjson" --partition 0/3 --state-in "$tmp/p0.bin" --state-out "$tmp/p0.bin" -o /dev/null
if [ -c /dev/null ]; then ok; else bad "/dev/null was replaced"; fi
expect_exit 0 "continued state reads back" -- "$scorec" run "$tmp/gen.score" --events "$tmp/far.ndjson" --skip-bad --partition 0/3 --state-in "$tmp/p0.bin"

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

finish
