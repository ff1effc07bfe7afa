#!/usr/bin/env bash
# Identity resolution (docs/input.md, "Identity"): an anonymousId's events and traits
# merged into the userId a message or an alias links it to, wherever in the file; chains;
# conflicts; --no-identity-merge; standard input. Then randomized Segment exports with
# links: one in-memory run equals every thread count, --stream, partitions combined by
# finalize, and a state continued over the second half of the file.
set -u
scorec=$(realpath "$1")
source "$(dirname "$0")/expect.sh"

cat >"$tmp/id.score" <<'RULES'
event page { path: string }
event order_completed { total: number }
profile { plan: string }
score s {
  on page +1
  on page when path == "/pricing" +10
  on order_completed + total
  when plan == "pro" +1000
}
RULES

# ---- Hand-computed ----------------------------------------------------------------
# a1 browses (1 + 11), then signs up as u1 (identify with both ids, plan pro), then buys
# (100). u2 is someone else. Expected u1: 1 + 11 + 100 + 1000 = 1112, first in the
# output (where a1 first appeared).
cat >"$tmp/basic.ndjson" <<'JSON'
{"type":"page","anonymousId":"a1","properties":{"path":"/"},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"page","userId":"u2","properties":{"path":"/"},"timestamp":"2024-03-01T10:01:00Z"}
{"type":"page","anonymousId":"a1","properties":{"path":"/pricing"},"timestamp":"2024-03-01T10:02:00Z"}
{"type":"identify","anonymousId":"a1","userId":"u1","traits":{"plan":"pro"},"timestamp":"2024-03-01T10:03:00Z"}
{"type":"track","anonymousId":"a1","userId":"u1","event":"Order Completed","properties":{"total":100},"timestamp":"2024-03-01T10:04:00Z"}
JSON
expect_exit 0 "anonymous history merged" -- "$scorec" run "$tmp/id.score" --events "$tmp/basic.ndjson"
[ "$(cat "$tmp/out")" = "$(printf 'user_id,s_raw\nu1,1112\nu2,1')" ] && ok || { bad "merged output"; cat "$tmp/out"; }
expect_err "summary: identity: 1 ids merged into the user they are linked to (anonymousId with a userId, 0 alias messages); 0 links ignored"
expect_err "users 2,"
expect_exit 0 "--no-identity-merge" -- "$scorec" run "$tmp/id.score" --events "$tmp/basic.ndjson" --no-identity-merge
[ "$(cat "$tmp/out")" = "$(printf 'user_id,s_raw\na1,12\nu2,1\nu1,1100')" ] && ok || { bad "unmerged output"; cat "$tmp/out"; }
if grep -q "identity:" "$tmp/err"; then bad "--no-identity-merge reports merges"; else ok; fi

# Standard input cannot be read twice: a clear error, and the flag that avoids it.
expect_exit 1 "stdin with links" -- bash -c "'$scorec' run '$tmp/id.score' --events - <'$tmp/basic.ndjson'"
expect_err "error: <stdin>: the input links user ids (anonymousId and userId in one message, or an alias message), and merging them reads the input twice"
expect_exit 0 "stdin, --no-identity-merge" -- bash -c "'$scorec' run '$tmp/id.score' --events - --no-identity-merge <'$tmp/basic.ndjson'"
expect_out "a1,12"
# Standard input without links is read as before.
expect_exit 0 "stdin without links" -- bash -c "grep -v anonymousId '$tmp/basic.ndjson' | '$scorec' run '$tmp/id.score' --events -"
expect_out "u2,1"

# Chains and alias: a1 -> u1 (a track with both), alias u1 -> u2 (previousId), a2 -> a1
# (an identify whose userId is another anonymous id): all one person, u2, the end of
# the chain. The alias message is a link, not a skipped message.
cat >"$tmp/chain.ndjson" <<'JSON'
{"type":"page","anonymousId":"a2","properties":{"path":"/pricing"},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","anonymousId":"a1","userId":"u1","event":"order_completed","properties":{"total":100},"timestamp":"2024-03-01T10:01:00Z"}
{"type":"alias","previousId":"u1","userId":"u2","timestamp":"2024-03-01T10:02:00Z"}
{"type":"page","userId":"u2","properties":{"path":"/"},"timestamp":"2024-03-01T10:03:00Z"}
{"type":"identify","anonymousId":"a2","userId":"a1","timestamp":"2024-03-01T10:04:00Z"}
{"type":"alias","previousId":"u9","timestamp":"2024-03-01T10:05:00Z"}
JSON
expect_exit 0 "chains" -- "$scorec" run "$tmp/id.score" --events "$tmp/chain.ndjson"
[ "$(cat "$tmp/out")" = "$(printf 'user_id,s_raw\nu2,112')" ] && ok || { bad "chain output"; cat "$tmp/out"; }
expect_err "summary: identity: 3 ids merged into the user they are linked to (anonymousId with a userId, 1 alias messages); 0 links ignored"
# The alias without a userId links nothing: skipped and counted.
expect_err "summary: Segment page/screen/group/alias messages skipped 1"

# A shared device: a1 first links to u1, later to u2. a1 stays with u1 (the first
# link: 11 + 1); u2's own message counts for u2; the second link is counted as ignored.
cat >"$tmp/conflict.ndjson" <<'JSON'
{"type":"page","anonymousId":"a1","properties":{"path":"/pricing"},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"identify","anonymousId":"a1","userId":"u1","timestamp":"2024-03-01T10:01:00Z"}
{"type":"track","anonymousId":"a1","userId":"u2","event":"order_completed","properties":{"total":100},"timestamp":"2024-03-01T10:02:00Z"}
{"type":"page","anonymousId":"a1","properties":{"path":"/"},"timestamp":"2024-03-01T10:03:00Z"}
JSON
expect_exit 0 "conflicting links" -- "$scorec" run "$tmp/id.score" --events "$tmp/conflict.ndjson"
[ "$(cat "$tmp/out")" = "$(printf 'user_id,s_raw\nu1,12\nu2,100')" ] && ok || { bad "conflict output"; cat "$tmp/out"; }
expect_err "summary: identity: 1 ids merged into the user they are linked to (anonymousId with a userId, 0 alias messages); 1 links ignored (the id was linked to another user first)"

# A partition scores the person where the resolved id hashes: both halves together are
# the one run.
for k in 0 1; do
  "$scorec" run "$tmp/id.score" --events "$tmp/basic.ndjson" --partition $k/2 --state-out "$tmp/p$k.state" >/dev/null 2>&1 || bad "partition $k/2"
done
expect_exit 0 "finalize partitions" -- "$scorec" finalize "$tmp/id.score" "$tmp/p0.state" "$tmp/p1.state"
[ "$(cat "$tmp/out")" = "$(printf 'user_id,s_raw\nu1,1112\nu2,1')" ] && ok || { bad "partitions output"; cat "$tmp/out"; }

# A saved state continued by a file that links two of its users: one user from then on.
head -3 "$tmp/basic.ndjson" >"$tmp/first.ndjson"
printf '{"type":"page","userId":"u1","properties":{"path":"/"},"timestamp":"2024-03-01T10:02:30Z"}\n' >>"$tmp/first.ndjson"
tail -2 "$tmp/basic.ndjson" >"$tmp/second.ndjson"
"$scorec" run "$tmp/id.score" --events "$tmp/first.ndjson" --state-out "$tmp/first.state" >"$tmp/first.out" 2>/dev/null
[ "$(cat "$tmp/first.out")" = "$(printf 'user_id,s_raw\na1,12\nu2,1\nu1,1')" ] && ok || { bad "first half"; cat "$tmp/first.out"; }
expect_exit 0 "state continued with a link" -- "$scorec" run "$tmp/id.score" --events "$tmp/second.ndjson" --state-in "$tmp/first.state" --state-out "$tmp/second.state"
[ "$(cat "$tmp/out")" = "$(printf 'user_id,s_raw\nu1,1113\nu2,1')" ] && ok || { bad "continued output"; cat "$tmp/out"; }
# The next file's anonymous events reach u1 through the saved link.
printf '{"type":"page","anonymousId":"a1","properties":{"path":"/pricing"},"timestamp":"2024-03-02T10:00:00Z"}\n' >"$tmp/third.ndjson"
expect_exit 0 "a saved link" -- "$scorec" run "$tmp/id.score" --events "$tmp/third.ndjson" --state-in "$tmp/second.state"
[ "$(cat "$tmp/out")" = "$(printf 'user_id,s_raw\nu1,1124\nu2,1')" ] && ok || { bad "saved link output"; cat "$tmp/out"; }

# A partition's state refuses a link to a user of another partition (a2 hashes to
# partition 0 of 2, u1 to partition 1): that user's state is in another file.
printf '{"type":"page","anonymousId":"a2","properties":{"path":"/"},"timestamp":"2024-03-01T10:00:00Z"}\n' >"$tmp/pa.ndjson"
printf '{"type":"identify","anonymousId":"a2","userId":"u1","timestamp":"2024-03-02T10:00:00Z"}\n' >"$tmp/pb.ndjson"
"$scorec" run "$tmp/id.score" --events "$tmp/pa.ndjson" --partition 0/2 --state-out "$tmp/pa.state" >/dev/null 2>&1 || bad "partition state"
expect_exit 1 "a link across partitions' states" -- "$scorec" run "$tmp/id.score" --events "$tmp/pb.ndjson" --partition 0/2 --state-in "$tmp/pa.state"
expect_err "this input links 'a2', a user of this partition's state (0/2), to 'u1' of partition 1, whose state is elsewhere"

# ---- Randomized exports: every way of running is the one in-memory run --------------
cat >"$tmp/rand.score" <<'RULES'
event page { path: string }
event order_completed { total: number }
event signed_up { }
profile { plan: string }
score engagement {
  decay half_life 7d
  on page +1
  on page when path == "/pricing" +5
  on signed_up +20
  on order_completed + total
  when plan == "pro" +50
}
score orders {
  on order_completed +1
  when count(order_completed) >= 2 +10
  when sum(order_completed.total) >= 200 +3
}
segment early = first(page) < 2024-03-03
segment late_buyer = last(order_completed) > 2024-03-06
segment cheap = min(order_completed.total) < 20
RULES
gen_export() {  # seed: anonymous visitors who browse, some sign up (identify), some are aliased later
  python3 - "$1" <<'PY'
import json, random, sys
r = random.Random(int(sys.argv[1]))
t = 1709251200  # 2024-03-01
lines = []
def msg(**m):
    global t
    t += r.randint(1, 900)
    m["timestamp"] = t
    m["messageId"] = "m%d" % len(lines)
    lines.append(json.dumps(m))
known = []
for step in range(400):
    v = r.randrange(60)
    anon, user = "anon-%d" % v, "user-%d" % (v % 45)
    k = r.random()
    if k < 0.45:
        m = {"type": "page", "anonymousId": anon, "properties": {"path": r.choice(["/", "/pricing", "/docs"])}}
        if r.random() < 0.3: m["userId"] = user
        elif r.random() < 0.05: m["userId"] = "user-%d" % ((v + 1) % 45)  # a shared device: a conflict
        msg(**m)
    elif k < 0.6:
        # Users 40-44 are later aliased: they carry no traits, so no two ids merged
        # across a saved state both set one (docs/input.md: the person's own win).
        m = {"type": "identify", "anonymousId": anon, "userId": user}
        if v % 45 < 40: m["traits"] = {"plan": r.choice(["free", "pro"])}
        else: known.append(user)
        msg(**m)
    elif k < 0.65:
        msg(type="track", anonymousId=anon, userId=user, event="Signed Up")
    elif k < 0.9:
        m = {"type": "track", "event": "Order Completed", "properties": {"total": r.randint(5, 150)}}
        if r.random() < 0.5: m["anonymousId"] = anon
        if r.random() < 0.7 or "anonymousId" not in m: m["userId"] = user
        msg(**m)
    elif known:
        msg(type="alias", previousId=r.choice(known), userId="vip-%d" % r.randrange(8))
print("\n".join(lines))
PY
}
thread_counts="1 2 7"
block_sizes="64 4000"
for seed in 1 2 3; do
  gen_export $seed >"$tmp/rand.ndjson"
  # Half the lines, for the state continued over the rest.
  n=$(wc -l <"$tmp/rand.ndjson")
  head -$((n / 2)) "$tmp/rand.ndjson" >"$tmp/rand1.ndjson"
  tail -n +$((n / 2 + 1)) "$tmp/rand.ndjson" >"$tmp/rand2.ndjson"
  for engine in interp jit; do
    run=("$scorec" run "$tmp/rand.score" --events "$tmp/rand.ndjson" --engine $engine --as-of 2024-03-10)
    same_for_all_threads "random export $seed ($engine)" 0 "${run[@]}"
    grep -q "summary: identity: [1-9][0-9]* ids merged .*alias messages); [1-9]" "$tmp/ref.err" && ok || { bad "random export $seed: no merges, alias messages or conflicts generated"; grep identity "$tmp/ref.err"; }
    if grep -q "anon-" "$tmp/ref.out"; then
      # Anonymous visitors never linked stay users of their own, but no linked one does.
      for a in $(grep -o '"anonymousId": "anon-[0-9]*", "userId"' "$tmp/rand.ndjson" | grep -o 'anon-[0-9]*' | sort -u); do
        grep -q "^$a," "$tmp/ref.out" && bad "random export $seed: linked $a is still a user"
      done
    fi
    ok
    "${run[@]}" --stream >"$tmp/stream.out" 2>/dev/null
    cmp -s "$tmp/ref.out" "$tmp/stream.out" && ok || { bad "random export $seed ($engine): --stream differs"; diff "$tmp/ref.out" "$tmp/stream.out" | head -5; }
    "${run[@]}" --stream --chunk-events 7 >"$tmp/stream.out" 2>/dev/null
    cmp -s "$tmp/ref.out" "$tmp/stream.out" && ok || bad "random export $seed ($engine): --stream --chunk-events 7 differs"
    parts=()
    for k in 0 1 2; do
      "${run[@]}" --partition $k/3 --state-out "$tmp/part$k.state" >/dev/null 2>&1 || bad "random export $seed: partition $k/3"
      parts+=("$tmp/part$k.state")
    done
    "$scorec" finalize "$tmp/rand.score" "${parts[@]}" --engine $engine >"$tmp/final.out" 2>/dev/null
    cmp -s "$tmp/ref.out" "$tmp/final.out" && ok || { bad "random export $seed ($engine): partitions differ"; diff "$tmp/ref.out" "$tmp/final.out" | head -5; }
    # The first half saved, the second continued from it (the links of the second half
    # merge users of the state): sums, counts, minimums, maximums and decay are exact.
    "$scorec" run "$tmp/rand.score" --events "$tmp/rand1.ndjson" --engine $engine --as-of 2024-03-01 \
      --state-out "$tmp/half.state" >/dev/null 2>&1 || bad "random export $seed: first half"
    "$scorec" run "$tmp/rand.score" --events "$tmp/rand2.ndjson" --engine $engine --as-of 2024-03-10 \
      --state-in "$tmp/half.state" >"$tmp/cont.out" 2>/dev/null
    cmp -s "$tmp/ref.out" "$tmp/cont.out" && ok || { bad "random export $seed ($engine): the continued state differs"; diff "$tmp/ref.out" "$tmp/cont.out" | head -5; }
  done
done
finish
