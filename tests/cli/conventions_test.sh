#!/usr/bin/env bash
# The command line behaves as command-line users expect: `-` is standard input or
# output, a mistyped command or option gets a did-you-mean, `help` works, a usage error
# points at help once, a missing rules file is the documented E052 in every format,
# `--as-of now`, and warnings allowed by --allow or a `scorec: allow` comment.
set -u
scorec=$(realpath "$1")
source "$(dirname "$0")/expect.sh"

cat >"$tmp/rules.score" <<'RULES'
event email_open { campaign: string }
score s {
  on email_open +3
}
RULES
printf '%s\n' '{"user_id":"a","event":"email_open","timestamp":"2024-03-01T10:00:00Z","campaign":"x"}' >"$tmp/events.ndjson"

# Commands: a typo gets the nearest command; `help` and `help COMMAND` print help.
expect_exit 2 "unknown command" -- "$scorec" chek "$tmp/rules.score"
expect_err "unknown command 'chek'; did you mean 'check'?"
expect_exit 0 "help" -- "$scorec" help
expect_out "Usage: scorec"
expect_exit 0 "help run" -- "$scorec" help run
expect_out "--events"

# Options: a typo gets the nearest option of that command; one pointer to help.
expect_exit 2 "--asof" -- "$scorec" run "$tmp/rules.score" --events "$tmp/events.ndjson" --asof 2024-03-02
expect_err "did you mean '--as-of' for '--asof'?"
expect_err "Run 'scorec run --help' for usage."
if [ "$(grep -c -- '--help' "$tmp/err")" = 1 ]; then ok; else bad "a usage error points at --help more than once"; cat "$tmp/err"; fi
expect_exit 2 "--evnets" -- "$scorec" run "$tmp/rules.score" --evnets "$tmp/events.ndjson"
expect_err "did you mean '--events' for '--evnets'?"

# The --map help lists every mapping key.
expect_exit 0 "run --help" -- "$scorec" run --help
for key in timezone= delimiter= format= list_separator= time_format=; do expect_out "$key"; done

# A missing rules file is E052, also on stdout in JSON and SARIF.
expect_exit 1 "missing file" -- "$scorec" check "$tmp/nothere.score"
expect_err "error[E052]"
expect_exit 1 "missing file, json" -- "$scorec" check --format json "$tmp/nothere.score"
expect_out '"code": "E052"'
expect_exit 1 "missing file, sarif" -- "$scorec" check --format sarif "$tmp/nothere.score"
expect_out '"ruleId": "E052"'

# `-`: rules from standard input, output to standard output (no file named '-').
stdin_file="$tmp/rules.score" expect_exit 0 "check -" -- "$scorec" check -
expect_err "<stdin>: ok"
(cd "$tmp" && stdin_file="$tmp/rules.score" expect_exit 0 "run - -o -" -- "$scorec" run - --events "$tmp/events.ndjson" -o - -q)
expect_out "a,3"
if [ ! -e "$tmp/-" ]; then ok; else bad "-o - created a file named '-'"; fi
stdin_file="$tmp/rules.score" expect_exit 2 "rules and events both stdin" -- "$scorec" run - --events -
expect_err "cannot both come from standard input"

# --as-of now: every event is in the past, so all of them count.
expect_exit 0 "--as-of now" -- "$scorec" run "$tmp/rules.score" --events "$tmp/events.ndjson" --as-of now -q
expect_out "a,3"

# Allowing a warning: --allow CODE for the run, a comment for one line; errors cannot be.
cat >"$tmp/warn.score" <<'RULES'
event e { }
score s {
  on e +500 // scorec: allow W050
  on e +600
  scale linear 0..100 to 1..10
}
RULES
expect_exit 1 "one warning left" -- "$scorec" check --werror "$tmp/warn.score"
expect_err "warn.score:4:8: warning[W050]"
if ! grep -q "warn.score:3:" "$tmp/err"; then ok; else bad "the allow comment did not silence line 3"; fi
expect_exit 0 "--allow" -- "$scorec" check --werror --allow W050 "$tmp/warn.score"
expect_exit 2 "--allow an error" -- "$scorec" check --allow E010 "$tmp/warn.score"
expect_err "errors cannot be allowed"

finish
