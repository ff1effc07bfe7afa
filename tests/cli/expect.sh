# Shared by the shell tests of the scorec command (sourced): a temporary folder, pass
# and fail counts, and checks of a command's exit code and output.
#   expect_exit CODE DESCRIPTION -- COMMAND...   runs it (standard input from
#                                                $stdin_file when set), keeps its output
#   expect_err TEXT / expect_out TEXT            the last command's stderr / stdout has TEXT
#   finish                                       prints the counts; fails if any check did
#   same_for_all_threads WHAT WANT COMMAND...    COMMAND with one reader over the whole
#                                                file (the reference; --state-out makes a
#                                                run read that way; it must exit WANT) and
#                                                with --threads T --block-bytes B for T in
#                                                $thread_counts, B in $block_sizes: the
#                                                same stdout, stderr and exit code; the
#                                                reference's are left in $tmp/ref.{out,err}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_exit() {
  local want=$1 what=$2
  shift 3
  if [ -n "${stdin_file:-}" ]; then "$@" <"$stdin_file" >"$tmp/out" 2>"$tmp/err"; else "$@" >"$tmp/out" 2>"$tmp/err"; fi
  local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want"; sed 's/^/    /' "$tmp/err"; fi
}
expect_err() { if grep -qF -- "$1" "$tmp/err"; then ok; else bad "stderr lacks '$1'"; sed 's/^/    /' "$tmp/err"; fi; }
expect_out() { if grep -qF -- "$1" "$tmp/out"; then ok; else bad "stdout lacks '$1'"; sed 's/^/    /' "$tmp/out"; fi; }
thread_counts="1 2 7"
block_sizes="64 997 1000000"
same_for_all_threads() {
  local what=$1 want=$2
  shift 2
  rm -f "$tmp/ref.state"
  "$@" --state-out "$tmp/ref.state" >"$tmp/ref.out" 2>"$tmp/ref.err"
  local ref_rc=$?
  if [ "$ref_rc" != "$want" ]; then bad "$what: one reader exits $ref_rc, expected $want"; sed 's/^/    /' "$tmp/ref.err" | head -5; return; fi
  local t bb
  for t in $thread_counts; do
    for bb in $block_sizes; do
      "$@" --threads $t --block-bytes $bb >"$tmp/got.out" 2>"$tmp/got.err"
      local rc=$?
      if [ $rc != $ref_rc ]; then bad "$what, --threads $t --block-bytes $bb: exit $rc, one reader $ref_rc"; sed 's/^/    /' "$tmp/got.err" | head -5; continue; fi
      if ! cmp -s "$tmp/ref.out" "$tmp/got.out"; then bad "$what, --threads $t --block-bytes $bb: output differs"; diff "$tmp/ref.out" "$tmp/got.out" | head -5; continue; fi
      if ! cmp -s "$tmp/ref.err" "$tmp/got.err"; then bad "$what, --threads $t --block-bytes $bb: summary differs"; diff "$tmp/ref.err" "$tmp/got.err" | head -5; continue; fi
      ok
    done
  done
}
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ]
}
