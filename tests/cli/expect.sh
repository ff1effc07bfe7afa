# Shared by the shell tests of the scorec command (sourced): a temporary folder, pass
# and fail counts, and checks of a command's exit code and output.
#   expect_exit CODE DESCRIPTION -- COMMAND...   runs it (standard input from
#                                                $stdin_file when set), keeps its output
#   expect_err TEXT / expect_out TEXT            the last command's stderr / stdout has TEXT
#   finish                                       prints the counts; fails if any check did
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
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ]
}
