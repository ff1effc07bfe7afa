#!/usr/bin/env bash
# Event streams as customer-data platforms (Segment, RudderStack) send them: input
# names read as declared events in one spelling, page and screen calls as events,
# context fields as properties, the clock-skew rule, retried messages (one messageId)
# read once, the same with every thread count; and examples/segment.
set -u
scorec=$(realpath "$1")
source "$(dirname "$0")/expect.sh"

# ---- Names as a tracking plan writes them ------------------------------------------
cat >"$tmp/names.score" <<'RULES'
event order_completed { total: number }
event signed_up { }
score s {
  on order_completed + total
  on signed_up +1000
}
RULES
cat >"$tmp/names.ndjson" <<'JSON'
{"type":"track","userId":"u1","event":"Order Completed","properties":{"total":1},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u1","event":"OrderCompleted","properties":{"total":10},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u2","event":"order-completed","properties":{"total":100},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u2","event":"Order Completed","properties":{"total":1000},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u2","event":"Signed Up","timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","userId":"u3","event":"order_completed","properties":{"total":5},"timestamp":"2024-03-01T10:00:00Z"}
JSON
expect_exit 0 "Title Case, CamelCase and kebab-case names" -- "$scorec" run "$tmp/names.score" --events "$tmp/names.ndjson"
expect_out "u1,11"
expect_out "u2,2100"
expect_out "u3,5"
expect_err "summary: input names read as declared events: 'Order Completed' -> order_completed (2), 'OrderCompleted' -> order_completed (1), 'Signed Up' -> signed_up (1), 'order-completed' -> order_completed (1)"
if grep -q "do not declare" "$tmp/err"; then bad "names read in one spelling are listed as undeclared"; else ok; fi
# An alias always wins over the spelling rule.
expect_exit 0 "an alias wins" -- "$scorec" run "$tmp/names.score" --events "$tmp/names.ndjson" --map 'alias.signed_up=OrderCompleted'
expect_out "u1,1001"
expect_err "'Order Completed' -> order_completed (2), 'Signed Up' -> signed_up (1), 'order-completed' -> order_completed (1)"
# CSV event names too.
printf 'user,event,ts,total\nu1,Order Completed,2024-03-01,2\nu1,order.completed,2024-03-01,3\n' >"$tmp/names.csv"
expect_exit 0 "CSV names" -- "$scorec" run "$tmp/names.score" --events "$tmp/names.csv"
expect_out "u1,5"
expect_err "'Order Completed' -> order_completed (1), 'order.completed' -> order_completed (1)"
# Two declared events with one spelling: E019 names both.
printf 'event order_completed { }\nevent OrderCompleted { }\nscore s {\n  on order_completed +1\n  on OrderCompleted +1\n}\n' >"$tmp/two.score"
expect_exit 1 "two events with one spelling" -- "$scorec" check "$tmp/two.score"
expect_err "error[E019]: events 'order_completed' and 'OrderCompleted' read the same input names (both are 'order_completed' in one spelling)"

# ---- Page and screen calls, context fields ------------------------------------------
cat >"$tmp/page.score" <<'RULES'
event page { path: string, utm_source: string, medium: string }
event screen { name: string }
score s {
  on page when path == "/pricing"          +5
  on page when utm_source == "newsletter"  +100
  on page when medium == "email"           +1000
  on screen when name == "Checkout"        +10000
}
RULES
cat >"$tmp/page.ndjson" <<'JSON'
{"type":"page","anonymousId":"a1","name":"Pricing","properties":{"title":"Pricing"},"context":{"page":{"path":"/pricing"},"campaign":{"source":"newsletter","medium":"email"}},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"page","userId":"u1","properties":{"path":"/docs"},"context":{"page":{"path":"/pricing"}},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"screen","userId":"u2","name":"Checkout","timestamp":"2024-03-01T10:00:00Z"}
{"type":"group","userId":"u2","groupId":"g1","timestamp":"2024-03-01T10:00:00Z"}
JSON
expect_exit 0 "page and screen calls" -- "$scorec" run "$tmp/page.score" --events "$tmp/page.ndjson" --map 'prop.medium=context.campaign.medium'
expect_out "a1,1105"
expect_out "u1,0"
expect_out "u2,10000"
expect_err "summary: events read 3, used 3"
expect_err "summary: Segment page/screen/group/alias messages skipped 1"
# Rules without `event page`: the calls are skipped unread (a call without a timestamp
# is no error) and listed among the undeclared types.
printf '{"type":"page","userId":"u3"}\n' >>"$tmp/page.ndjson"
expect_exit 0 "undeclared page calls" -- "$scorec" run "$tmp/names.score" --events "$tmp/page.ndjson" --as-of 2024-03-02
expect_err "summary: events read 0,"
expect_err "summary: Segment page/screen/group/alias messages skipped 5"
expect_err "summary: event types the rules do not declare (scored nothing): 'page' (3), 'screen' (1)"

# ---- Clock skew and retried messages --------------------------------------------------
cat >"$tmp/skew.ndjson" <<'JSON'
{"type":"track","messageId":"m1","userId":"u1","event":"Order Completed","properties":{"total":1},"originalTimestamp":"2024-03-01T08:00:00Z","sentAt":"2024-03-01T08:00:05Z","receivedAt":"2024-03-01T10:30:05Z"}
{"type":"track","messageId":"m2","userId":"u1","event":"Order Completed","properties":{"total":10},"timestamp":"2024-03-01T10:00:00Z"}
{"type":"track","messageId":"m1","userId":"u1","event":"Order Completed","properties":{"total":1},"originalTimestamp":"2024-03-01T08:00:00Z","sentAt":"2024-03-01T08:00:05Z","receivedAt":"2024-03-01T10:30:05Z"}
JSON
expect_exit 0 "clock skew and a retry" -- "$scorec" run "$tmp/names.score" --events "$tmp/skew.ndjson"
expect_out "u1,11"
expect_err "as of 2024-03-01T10:30:00Z (latest event)"
expect_err "summary: 1 duplicate messages (same messageId) were read once"
expect_exit 0 "--keep-duplicates" -- "$scorec" run "$tmp/names.score" --events "$tmp/skew.ndjson" --keep-duplicates
expect_out "u1,12"
if grep -q "duplicate messages" "$tmp/err"; then bad "--keep-duplicates still drops"; else ok; fi

# ---- The same with every thread count -----------------------------------------------
# A generated file of retries near and far (so that copies cross blocks of 64 bytes and
# more), a copy whose first delivery has another user (the first in file order wins),
# and malformed lines that are copies (skipped unread, so no error), then one that is
# not (the error, at its line, with and without --skip-bad).
gen() {
  local n=$1
  for i in $(seq 1 "$n"); do
    printf '{"type":"track","messageId":"m%d","userId":"u%d","event":"Order Completed","properties":{"total":%d},"timestamp":"2024-03-01T10:%02d:00Z"}\n' \
      "$i" $((i % 7)) "$i" $((i % 60))
    if [ $((i % 3)) = 0 ]; then
      printf '{"type":"track","messageId":"m%d","userId":"u%d","event":"Order Completed","properties":{"total":%d},"timestamp":"2024-03-01T10:%02d:00Z"}\n' \
        $((i / 2)) $((i % 5)) "$i" $((i % 60))
    fi
    if [ $((i % 10)) = 0 ]; then
      printf '{"type":"page","messageId":"m%d","userId":"u1","timestamp":"not a time"}\n' $((i - 9))
    fi
  done
}
gen 120 >"$tmp/retries.ndjson"
gen 60 >"$tmp/bad.ndjson"
printf '{"type":"track","messageId":"fresh","userId":"u1","event":"x","timestamp":"not a time"}\n' >>"$tmp/bad.ndjson"
gen 30 >>"$tmp/bad.ndjson"
thread_counts="1 2 5"
block_sizes="64 700 1000000"
same_for_all_threads "retries" 0 "$scorec" run "$tmp/names.score" --events "$tmp/retries.ndjson"
# 120 messages, 40 retries (m1 .. m60: all copies), 12 malformed pages (copies of m1, m11, ...)
grep -qF "summary: 52 duplicate messages (same messageId) were read once" "$tmp/ref.err" && ok || bad "retries: the count"
grep -qF "summary: events read 120," "$tmp/ref.err" && ok || bad "retries: events read"
# m3's copy (i = 6, user u1) comes after m3 (user u3): u3 keeps total 3.
# Every copy read: the malformed copies are malformed lines then.
same_for_all_threads "retries, every copy" 0 "$scorec" run "$tmp/names.score" --events "$tmp/retries.ndjson" --keep-duplicates --skip-bad
same_for_all_threads "a malformed line that is not a copy" 1 "$scorec" run "$tmp/names.score" --events "$tmp/bad.ndjson"
grep -qF "bad.ndjson:87: field 'timestamp'" "$tmp/ref.err" && ok || { bad "the malformed line"; cat "$tmp/ref.err"; }
same_for_all_threads "--skip-bad" 0 "$scorec" run "$tmp/names.score" --events "$tmp/bad.ndjson" --skip-bad
# Streaming reads each copy once too.
"$scorec" run "$tmp/names.score" --events "$tmp/retries.ndjson" --stream >"$tmp/stream.out" 2>"$tmp/stream.err"
"$scorec" run "$tmp/names.score" --events "$tmp/retries.ndjson" >"$tmp/mem.out" 2>"$tmp/mem.err"
cmp -s "$tmp/stream.out" "$tmp/mem.out" && ok || bad "--stream differs"

# ---- examples/segment: one reader, --threads 1 and 2, both engines ---------------
for engine in interp jit; do
  same_for_all_threads "examples/segment ($engine)" 0 "$scorec" run examples/segment/segment.score \
    --events examples/segment/events.ndjson --as-of 2024-05-04T00:00:00Z --engine $engine
  cmp -s "$tmp/ref.out" examples/segment/expected.csv && ok || bad "examples/segment ($engine): differs from expected.csv"
done
finish
