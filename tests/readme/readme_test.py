#!/usr/bin/env python3
"""The README's rule-file CI recipe, run as written.

The README's ```score blocks, joined, are the rules repository's rules/engagement.score;
every `run:` step of its ```yaml workflow runs in order, in a throw-away git repository
laid out as the README describes (rules/, data/, an origin/main to diff against), with
`scorec` on PATH, under `bash -e` as GitHub Actions runs steps. Then the same steps run
on rules that have a warning: the SARIF file must still be written, with the finding,
and the --werror gate must fail.

usage: readme_test.py README.md SCOREC_BINARY
"""
import json
import os
import re
import subprocess
import sys
import tempfile

readme_path, scorec = sys.argv[1], os.path.abspath(sys.argv[2])
readme = open(readme_path, encoding="utf-8").read()
failures = []


def blocks(lang):
    return re.findall(r"^```" + lang + r"\n(.*?)^```", readme, flags=re.S | re.M)


def run_steps(yaml_text):
    """The workflow's `run:` steps, each as (name, script)."""
    steps, name, lines = [], "", yaml_text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"\s*- name:\s*(.*)", line)
        if m:
            name = m.group(1)
        m = re.match(r"(\s*)run:\s*(.*)", line)
        if m:
            indent, rest = len(m.group(1)), m.group(2)
            if rest.strip() == "|":
                body = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    body.append(lines[i].strip())
                    i += 1
                steps.append((name, "\n".join(body)))
                continue
            steps.append((name, rest))
        i += 1
    return steps


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args], cwd=repo,
                   check=True, capture_output=True)


def make_repo(root, rules):
    os.makedirs(os.path.join(root, "rules"))
    os.makedirs(os.path.join(root, "data"))
    open(os.path.join(root, "rules", "engagement.score"), "w").write(rules)
    open(os.path.join(root, "data", "events.ndjson"), "w").write(
        '{"user_id": "ana", "event": "email_click", "timestamp": "2024-03-01T10:00:00Z", "campaign": "spring", "url": "/a"}\n'
        '{"user_id": "ben", "event": "email_open", "timestamp": "2024-03-01T11:00:00Z", "campaign": "spring"}\n'
        '{"user_id": "ben", "event": "login", "timestamp": "2024-03-01T12:00:00Z"}\n')
    open(os.path.join(root, "data", "profiles.csv"), "w").write(
        "user_id,plan,signed_up\nana,paid,2024-01-01T00:00:00Z\nben,free,2024-02-20T00:00:00Z\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "rules")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")


def run_workflow(root, steps):
    """Runs the steps in order; returns (name, exit code) of each step run (stops at a failure)."""
    env = dict(os.environ, PATH=os.path.dirname(scorec) + os.pathsep + os.environ["PATH"],
               GITHUB_STEP_SUMMARY=os.path.join(root, "summary.md"))
    done = []
    for name, script in steps:
        r = subprocess.run(["bash", "-e", "-c", script], cwd=root, env=env, capture_output=True, text=True)
        done.append((name, r.returncode))
        if r.returncode != 0:
            print(f"step '{name}' exited {r.returncode}:\n{r.stdout}{r.stderr}")
            break
    return done


rules = "\n".join(blocks("score"))
check(rules.count("score ") >= 1 and "test \"" in rules, "the README has ```score blocks with rules and a test")
steps = run_steps(blocks("yaml")[0])
check(len(steps) >= 4, f"the workflow has its run steps ({len(steps)} found)")

with tempfile.TemporaryDirectory() as tmp:
    # The README's own rules pass every step.
    root = os.path.join(tmp, "clean")
    make_repo(root, rules)
    done = run_workflow(root, steps)
    check(len(done) == len(steps) and all(rc == 0 for _, rc in done), f"every step passes on the README's rules: {done}")
    sarif = os.path.join(root, "scorec.sarif")
    check(os.path.exists(sarif) and json.load(open(sarif)).get("version") == "2.1.0", "scorec.sarif is SARIF 2.1.0")
    summary = os.path.join(root, "summary.md")
    check(os.path.exists(summary) and os.path.getsize(summary) > 0, "the diff reached the step summary")

    # Rules with a warning (W050: a weight beyond the scale): the SARIF file still holds
    # the finding for code scanning, and the --werror gate fails the job.
    root = os.path.join(tmp, "warning")
    make_repo(root, rules + "\nscore loud {\n  on login  +500\n  scale linear 0..100 to 1..10\n}\n")
    done = run_workflow(root, steps)
    sarif = os.path.join(root, "scorec.sarif")
    check(os.path.exists(sarif), "scorec.sarif is written when there are findings")
    if os.path.exists(sarif):
        results = [r for run in json.load(open(sarif))["runs"] for r in run.get("results", [])]
        check(any(r.get("ruleId") == "W050" for r in results), "the SARIF file holds the W050 finding")
    check(any(rc != 0 for _, rc in done), f"a step fails on rules with a warning: {done}")

print(f"{len(failures)} failed" if failures else "README recipe: all checks passed")
sys.exit(1 if failures else 0)
