#!/usr/bin/env bash
# `scorec fmt` on the command line: printing, --check (exit codes and the diff), -w,
# standard input, and files with syntax errors.
set -u
scorec=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
run() { "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }
expect() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; sed 's/^/    /' "$tmp/out" "$tmp/err"; fi; }

printf 'event a{x:number}\nscore s{\n  on a when x>1 +2\n  on a   +1 // one\n}\n' >"$tmp/messy.score"
cat >"$tmp/clean.score" <<'RULES'
event a { x: number }

score s {
  on a when x > 1  +2
  on a             +1  // one
}
RULES
cp "$tmp/messy.score" "$tmp/messy_orig.score"

# Printing: the formatted text on stdout, the file untouched.
expect "$(run "$scorec" fmt "$tmp/messy.score")" 0 "fmt prints"
expect "$(cat "$tmp/out")" "$(cat "$tmp/clean.score")" "formatted text"
cmp -s "$tmp/messy.score" "$tmp/messy_orig.score" && ok || bad "fmt without -w changed the file"

# --check: 0 when formatted (no output), 1 and a unified diff when not.
expect "$(run "$scorec" fmt --check "$tmp/clean.score")" 0 "--check formatted"
expect "$(wc -c <"$tmp/out")" 0 "--check formatted prints nothing"
expect "$(run "$scorec" fmt --check "$tmp/clean.score" "$tmp/messy.score")" 1 "--check unformatted"
grep -qxF -- "--- $tmp/messy.score" "$tmp/out" && ok || bad "diff lacks the --- header"
grep -qxF -- "+++ $tmp/messy.score (formatted)" "$tmp/out" && ok || bad "diff lacks the +++ header"
grep -qxF -- "@@ -1,5 +1,6 @@" "$tmp/out" && ok || bad "diff lacks the hunk header"
grep -qxF -- "-  on a when x>1 +2" "$tmp/out" && ok || bad "diff lacks the removed line"
grep -qxF -- "+  on a when x > 1  +2" "$tmp/out" && ok || bad "diff lacks the added line"
grep -qF "1 file not formatted" "$tmp/err" && ok || bad "--check summary missing"
grep -qF "clean.score" "$tmp/out" && bad "--check printed a diff for a formatted file" || ok
# The diff applies: patch turns the file into its formatted text.
if command -v patch >/dev/null; then
  cp "$tmp/messy.score" "$tmp/p.score"
  sed "s#^--- .*#--- $tmp/p.score#; s#^+++ .*#+++ $tmp/p.score#" "$tmp/out" | patch -s "$tmp/p.score" >/dev/null 2>&1
  cmp -s "$tmp/p.score" "$tmp/clean.score" && ok || bad "the --check diff does not apply"
fi

# -w: rewrites only files that change; a second --check passes.
cp "$tmp/clean.score" "$tmp/clean2.score"
touch -d '2020-01-01' "$tmp/clean2.score"
expect "$(run "$scorec" fmt -w "$tmp/messy.score" "$tmp/clean2.score")" 0 "-w"
cmp -s "$tmp/messy.score" "$tmp/clean.score" && ok || bad "-w did not format the file"
expect "$(date -r "$tmp/clean2.score" +%Y)" 2020 "-w left a formatted file untouched"
expect "$(run "$scorec" fmt --check "$tmp/messy.score")" 0 "--check after -w"

# Standard input.
expect "$(run "$scorec" fmt - <"$tmp/messy_orig.score")" 0 "fmt -"
expect "$(cat "$tmp/out")" "$(cat "$tmp/clean.score")" "fmt - output"

# --width: a condition wider than the width breaks at `or`, the weight stays in its
# column; the default is 100 columns; a width out of range is a usage error.
cat >"$tmp/wide.score" <<'RULES'
event a { x: number, y: number }

score s {
  on a when x > 100 or y > 100  +2
  on a                          +1
}
RULES
expect "$(run "$scorec" fmt --check "$tmp/wide.score")" 0 "--check at the default width"
expect "$(run "$scorec" fmt --width 28 "$tmp/wide.score")" 0 "fmt --width 28"
expect "$(sed -n 6,9p "$tmp/out")" "$(printf 'score s {\n  on a when x > 100\n            or y > 100\n        +2')" "--width 28 breaks at or"
expect "$(run "$scorec" fmt --check --width 28 "$tmp/wide.score")" 1 "--check --width 28"
expect "$(run "$scorec" fmt --width 5 "$tmp/wide.score")" 2 "--width out of range"

# Syntax errors: not formatted, the diagnostics on stderr, exit 1, file untouched.
printf 'score s {\n  on a 5\n}\n' >"$tmp/broken.score"
cp "$tmp/broken.score" "$tmp/broken_orig.score"
expect "$(run "$scorec" fmt -w "$tmp/broken.score")" 1 "syntax error"
grep -qF "a weight needs a sign" "$tmp/err" && ok || bad "syntax error not shown"
cmp -s "$tmp/broken.score" "$tmp/broken_orig.score" && ok || bad "-w changed a broken file"
expect "$(run "$scorec" fmt --check "$tmp/broken.score")" 1 "--check syntax error"

# Usage errors exit 2.
expect "$(run "$scorec" fmt "$tmp/missing.score")" 2 "missing file"
expect "$(run "$scorec" fmt --check -w "$tmp/clean.score")" 2 "--check with -w"
expect "$(run "$scorec" fmt)" 2 "no file"
expect "$(run "$scorec" fmt --help)" 0 "fmt --help"

echo "fmt cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
