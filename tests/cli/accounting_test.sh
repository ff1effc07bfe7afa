#!/usr/bin/env bash
# The run summary an analyst can reconcile (docs/tools.md, "The summary"): every data
# line of the events file is counted once under what became of it, and the terms add
# up to the lines the file holds (counted here independently); per score the tier
# counts, per grade the letter counts, add up to the users. Run on every shipped
# example and on inputs that exercise every term.
set -u
scorec=$(realpath "$1")
source "$(dirname "$0")/expect.sh"

# The `summary: lines N = a + b ...` line: the terms must add up to N, and N must be
# the count given.
check_lines() {  # what, expected line count
  local what=$1 want=$2 line
  line=$(grep '^summary: lines ' "$tmp/err")
  if [ -z "$line" ]; then bad "$what: no lines summary"; sed 's/^/    /' "$tmp/err"; return; fi
  python3 - "$line" "$want" "$what" <<'PY' && ok || bad "$what: $line"
import re, sys
line, want, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
m = re.match(r"summary: lines ([0-9,]+) = (.*)$", line)
total = int(m.group(1).replace(",", ""))
terms = [int(t.rsplit(" ", 1)[1].replace(",", "")) for t in m.group(2).split(" + ")]
ok = total == want and sum(terms) == total and "internal error" not in line
if not ok: print(f"{what}: total {total}, want {want}, terms add to {sum(terms)}")
sys.exit(0 if ok else 1)
PY
}
# Data lines: non-blank lines, less the header of a CSV file.
data_lines() {
  local n
  n=$(grep -cv '^[[:space:]]*$' "$1")
  case "$1" in *.csv | *.tsv) n=$((n - 1)) ;; esac
  echo "$n"
}
# Tier and letter lines: the counts add up to the users.
check_distribution() {
  local what=$1
  python3 - "$tmp/err" "$what" <<'PY' && ok || bad "$what: tier counts"
import re, sys
err, what = open(sys.argv[1]).read(), sys.argv[2]
users = int(re.search(r"users ([0-9,]+),", err).group(1).replace(",", ""))
bad = False
for line in re.findall(r"^summary: \S+ (?:tiers|letters): (.*)$", err, re.M):
    counts = [int(c.replace(",", "")) for c in re.findall(r" ([0-9,]+) \(", line)]
    if sum(counts) != users:
        print(f"{what}: {line} adds up to {sum(counts)}, not {users}"); bad = True
sys.exit(1 if bad else 0)
PY
}

# ---- Every shipped example -------------------------------------------------------
for dir in examples/*/; do
  [ -f "$dir/expected.csv" ] || continue
  rules=$(ls "$dir"*.score | head -1)
  events=$(ls "$dir"events.* 2>/dev/null | head -1)
  args=()
  [ -f "$dir/args.txt" ] && mapfile -t args <"$dir/args.txt"
  for p in "$dir"profiles.*; do [ -f "$p" ] && args+=(--profiles "$p"); done
  expect_exit 0 "$dir" -- "$scorec" run "$rules" --events "$events" "${args[@]}"
  check_lines "$dir" "$(data_lines "$events")"
  check_distribution "$dir"
done

# ---- Every term -------------------------------------------------------------------
cat >"$tmp/t.score" <<'RULES'
event page { path: string }
event buy { total: number }
profile { plan: string }
score s {
  on page +1
  on buy + total
  tiers { high >= 100, low }
}
grade g {
  when plan == "pro" +10
  letters { A >= 10, B }
}
RULES
cat >"$tmp/t.ndjson" <<'JSON'
{"type":"page","userId":"u1","messageId":"m1","properties":{"path":"/"},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"page","userId":"u1","messageId":"m1","properties":{"path":"/"},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u2","event":"buy","properties":{"total":150},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u2","event":"buy","properties":{"total":1},"timestamp":"2024-03-09T10:00:00Z"}
{"type":"track","userId":"u3","event":"refund","timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","event":"buy","timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u4","event":"buy","timestamp":"not a time"}

{"type":"identify","userId":"u1","traits":{"plan":"pro"}}
{"type":"group","userId":"u1","groupId":"g1"}
{"type":"alias","previousId":"a9","userId":"u1"}
{"type":"screen","userId":"u1","name":"Home","timestamp":"2024-03-01T10:00:00Z"}
JSON
expect_exit 0 "every term" -- "$scorec" run "$tmp/t.score" --events "$tmp/t.ndjson" --skip-bad --as-of 2024-03-05
expect_err "summary: lines 11 = used 2 + after as-of 1 + unknown type 1 + without user id 1 + bad (skipped) 1 + duplicates 1 + identify 1 + alias 1 + other messages 2"
check_lines "every term" 11
expect_err "summary: s tiers: high 1 (33.3%), low 2 (66.7%)"
expect_err "summary: g letters: A 1 (33.3%), B 2 (66.7%)"
check_distribution "every term"
# Partitions: the lines of other partitions' users are a term of their own.
for k in 0 1 2; do
  expect_exit 0 "partition $k/3" -- "$scorec" run "$tmp/t.score" --events "$tmp/t.ndjson" --skip-bad --as-of 2024-03-05 --partition $k/3
  check_lines "partition $k/3" 11
done
# Every thread count and block size: the same line.
expect_exit 0 "threads" -- "$scorec" run "$tmp/t.score" --events "$tmp/t.ndjson" --skip-bad --as-of 2024-03-05 --threads 3 --block-bytes 64
check_lines "threads" 11
# A CSV: the header is not a data line; a quoted field over two lines is one record.
printf 'user,event,ts,total\nu1,buy,2024-03-01,5\n,buy,2024-03-01,1\nu2,"buy",2024-03-01,"1\n"\nu3,nap,2024-03-01,\n' >"$tmp/t.csv"
expect_exit 0 "csv" -- "$scorec" run "$tmp/t.score" --events "$tmp/t.csv" --skip-bad
check_lines "csv" 4
# A grade or score without any users: no distribution lines.
printf 'user,event,ts,total\n' >"$tmp/empty.csv"
expect_exit 0 "no users" -- "$scorec" run "$tmp/t.score" --events "$tmp/empty.csv" --as-of 2024-03-05
if grep -q "tiers:" "$tmp/err"; then bad "tier counts without users"; else ok; fi

# ---- Output options ---------------------------------------------------------------
cat >"$tmp/o.score" <<'RULES'
event buy { total: number }
profile { email: string, signed_up: timestamp, tags: list<string>, paid: bool, seats: number }
score s {
  on buy + total
  tiers { high >= 100, low }
}
RULES
printf 'user,event,ts,total\nu1,buy,2024-03-01,5\nu2,buy,2024-03-01,150\nu3,buy,2024-03-01,20\nu4,buy,2024-03-01,20\n' >"$tmp/o.csv"
printf 'user_id,email,signed_up,tags,paid,seats\nu2,"b@x.io, sales",2024-01-02,vip|eu,true,12\nu1,a@x.io,,,false,\n' >"$tmp/o_profiles.csv"
run_o=("$scorec" run "$tmp/o.score" --events "$tmp/o.csv" --profiles "$tmp/o_profiles.csv" --as-of 2024-03-05)
expect_exit 0 "--keep --sort --with-as-of" -- "${run_o[@]}" --keep email,signed_up,tags,paid,seats --sort s_raw:desc --with-as-of
[ "$(cat "$tmp/out")" = "$(printf 'user_id,email,signed_up,tags,paid,seats,s_raw,s_tier,as_of\nu2,"b@x.io, sales",2024-01-02T00:00:00Z,vip|eu,true,12,150,high,2024-03-05T00:00:00Z\nu3,,,,,,20,low,2024-03-05T00:00:00Z\nu4,,,,,,20,low,2024-03-05T00:00:00Z\nu1,a@x.io,,,false,,5,low,2024-03-05T00:00:00Z')" ] && ok || { bad "kept, sorted output"; cat "$tmp/out"; }
# Ascending, ties in first-appearance order; text columns; nulls last either way.
expect_exit 0 "--sort s_raw" -- "${run_o[@]}" --sort s_raw
[ "$(cut -d, -f1 "$tmp/out" | tr '\n' ' ')" = "user_id u1 u3 u4 u2 " ] && ok || { bad "ascending sort"; cat "$tmp/out"; }
expect_exit 0 "--sort email" -- "${run_o[@]}" --keep email --sort email:desc
[ "$(cut -d, -f1 "$tmp/out" | tr '\n' ' ')" = "user_id u2 u1 u3 u4 " ] && ok || { bad "text sort, nulls last"; cat "$tmp/out"; }
expect_exit 2 "--sort an unknown column" -- "${run_o[@]}" --sort score
expect_err "error: --sort: there is no column 'score' (the columns: user_id, s_raw, s_tier)"
expect_exit 2 "--sort a bad order" -- "${run_o[@]}" --sort s_raw:down
expect_err "the order after ':' is asc or desc"
expect_exit 2 "--keep an undeclared attribute" -- "${run_o[@]}" --keep company
expect_err "error: --keep 'company': the rules declare no profile attribute 'company' (they declare: email, signed_up, tags, paid, seats)"
# --threads gives the same kept columns.
expect_exit 0 "--keep with threads" -- "${run_o[@]}" --keep email,tags --threads 3 --block-bytes 16
expect_out 'u2,"b@x.io, sales",vip|eu,150,high'

# --only-changed: against a previous output, and against a state.
"${run_o[@]}" --with-as-of -o "$tmp/before.csv" --state-out "$tmp/before.state" 2>/dev/null
printf 'u3,buy,2024-03-02,100\nu5,buy,2024-03-02,1\n' >>"$tmp/o.csv"
expect_exit 0 "--only-changed (output)" -- "${run_o[@]}" --with-as-of --only-changed "$tmp/before.csv"
[ "$(cut -d, -f1 "$tmp/out" | tr '\n' ' ')" = "user_id u3 u5 " ] && ok || { bad "only changed"; cat "$tmp/out"; }
expect_err "summary: --only-changed: 2 users written, 3 unchanged since $tmp/before.csv left out"
expect_exit 0 "--only-changed (state)" -- "${run_o[@]}" --only-changed "$tmp/before.state"
[ "$(cut -d, -f1 "$tmp/out" | tr '\n' ' ')" = "user_id u3 u5 " ] && ok || { bad "only changed (state)"; cat "$tmp/out"; }
expect_exit 1 "--only-changed against other columns" -- "${run_o[@]}" --keep email --only-changed "$tmp/before.csv"
expect_err "the previous output has no column 'email'"

# ---- Progress on a terminal ---------------------------------------------------------
# Under a pseudo-terminal (script, whose log holds what the terminal showed), a run that lasts over half a second shows a progress
# line on stderr and erases it; the output and the summary are as without it. A FIFO
# fed in two parts with a pause makes the run last.
mkfifo "$tmp/slow.fifo"
{ head -3 "$tmp/o.csv"; sleep 1.5; tail -n +4 "$tmp/o.csv"; } >"$tmp/slow.fifo" &
script -qefc "'$scorec' run '$tmp/o.score' --events '$tmp/slow.fifo' --as-of 2024-03-05 -o '$tmp/tty.out'" "$tmp/tty.err" >/dev/null
wait
if ! grep -q "reading $tmp/slow.fifo: 0.0 MB, [0-9]* events" "$tmp/tty.err"; then bad "no progress line on a terminal"; cat -v "$tmp/tty.err"; else ok; fi
# Erased: the last progress line is followed by the erase sequence, then the summary.
grep -q $'\r\x1b\[Ksummary: events read 6' "$tmp/tty.err" && ok || { bad "the progress line is not erased"; cat -v "$tmp/tty.err"; }
"$scorec" run "$tmp/o.score" --events "$tmp/o.csv" --as-of 2024-03-05 >"$tmp/plain.out" 2>/dev/null
cmp -s "$tmp/plain.out" "$tmp/tty.out" && ok || bad "output under a terminal differs"
# --quiet, or stderr not a terminal: nothing.
{ head -3 "$tmp/o.csv"; sleep 1; tail -n +4 "$tmp/o.csv"; } >"$tmp/slow.fifo" &
script -qefc "'$scorec' run '$tmp/o.score' --events '$tmp/slow.fifo' --as-of 2024-03-05 -q -o /dev/null" "$tmp/tty.err" >/dev/null
wait
if grep -q "reading" "$tmp/tty.err"; then bad "--quiet shows progress"; cat -v "$tmp/tty.err"; else ok; fi
finish
