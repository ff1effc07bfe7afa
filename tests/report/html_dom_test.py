#!/usr/bin/env python3
"""`scorec report` in a real browser: renders the report of one run in headless
Chromium, reads the rendered DOM (--dump-dom) and checks its numbers against the
run's own CSV output (`scorec run`), counted here independently: every tier row and
grade letter, every histogram bar (the values v of the CSV column with lo <= v < hi),
every segment size, the input counts of the run summary, and the rule points (they
add up to the raw scores). With --baseline, also the tier migration matrix (users
joined by id across the two CSVs) and the baseline's histogram bars. Saves a
screenshot. Exits 77 (ctest SKIP_RETURN_CODE) when Chromium or the data is absent.
"""
import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser

SKIP = 77


class Dom(HTMLParser):
    """Every element with data- attributes, as (tag, attrs, classes, enclosing data-score/data-kind)."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.stack = []  # (tag, attrs) of open elements
        self.text = []

    VOID = {"meta", "br", "line", "rect", "input", "img", "hr", "link"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        ctx = {}
        for _, outer in self.stack:
            for key in ("data-score", "data-kind", "data-grade"):
                if key in outer:
                    ctx[key] = outer[key]
        if any(k.startswith("data-") for k in a):
            self.elements.append((tag, a, ctx))
        if tag not in self.VOID:
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.text.append(data)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        fail("{} exited {}:\n{}{}".format(" ".join(cmd), p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    return p


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render(browser, html, profile_dir, screenshot=None):
    base = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile_dir]
    url = "file://" + os.path.abspath(html)
    dom = run(base + ["--dump-dom", url], timeout=120).stdout
    if screenshot:
        run(base + ["--screenshot=" + screenshot, "--window-size=1200,2000", "--hide-scrollbars", url], timeout=120)
        if not os.path.exists(screenshot) or os.path.getsize(screenshot) == 0:
            fail("no screenshot written to " + screenshot)
    return dom


def values(rows, column):
    out = []
    for r in rows:
        v = r.get(column, "")
        if v != "":
            out.append(float(v))
    return out


def check_bars(dom, rows, score, kind, column, series, what):
    bars = [a for tag, a, ctx in dom.elements
            if tag == "rect" and ctx.get("data-score") == score and ctx.get("data-kind") == kind
            and a.get("data-series") == series]
    vals = values(rows, column)
    if not vals:
        return 0
    if not bars:
        fail("{}: no histogram bars for {} {} ({})".format(what, score, kind, series or "run"))
    total = 0
    for b in bars:
        lo, hi, n = float(b["data-lo"]), float(b["data-hi"]), int(b["data-count"])
        want = sum(1 for v in vals if lo <= v < hi)
        if n != want:
            fail("{}: {} {} bar [{}, {}) shows {} users, the CSV has {}".format(what, score, kind, lo, hi, n, want))
        total += n
    if total != len(vals):
        fail("{}: {} {} bars hold {} users, the CSV has {} values".format(what, score, kind, total, len(vals)))
    return len(bars)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scorec", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--profiles")
    ap.add_argument("--mapping")
    ap.add_argument("--args-file")
    ap.add_argument("--baseline")
    ap.add_argument("--out", required=True, help="folder for the report, the DOM and the screenshot")
    a = ap.parse_args()

    browser = chromium_binary()
    if not browser:
        print("SKIP: chromium is not installed (tools/install-deps.sh installs it); the report is not rendered")
        return SKIP
    if not os.path.exists(a.events):
        print("SKIP: {} is absent".format(a.events))
        return SKIP

    args = ["--events", a.events]
    if a.profiles:
        args += ["--profiles", a.profiles]
    if a.mapping:
        args += ["--mapping", a.mapping]
    if a.args_file:
        with open(a.args_file) as f:
            args += [line.rstrip("\n") for line in f if line.strip()]
    os.makedirs(a.out, exist_ok=True)
    csv_path = os.path.join(a.out, a.name + ".csv")
    html = os.path.join(a.out, a.name + ".html")
    summary = run([a.scorec, "run", a.rules] + args + ["-o", csv_path]).stderr
    report = [a.scorec, "report", a.rules] + args + ["-o", html]
    if a.baseline:
        report += ["--baseline", a.baseline]
    run(report)
    rows = read_csv(csv_path)
    base_rows = None
    if a.baseline:
        base_csv = os.path.join(a.out, a.name + ".baseline.csv")
        run([a.scorec, "run", a.baseline] + args + ["-o", base_csv, "--quiet"])
        base_rows = read_csv(base_csv)

    with tempfile.TemporaryDirectory() as profile:
        text = render(browser, html, profile, os.path.join(a.out, a.name + ".png"))
    with open(os.path.join(a.out, a.name + ".dom.html"), "w", encoding="utf-8") as f:
        f.write(text)
    dom = Dom()
    dom.feed(text)
    if "<script" in text.lower():
        fail("the rendered page holds a <script> element")
    columns = list(rows[0].keys()) if rows else []
    checked = Counter()

    # The input counts, as the run summary prints them.
    m = re.search(r"summary: events read (\d+), used (\d+), skipped \(bad lines\) (\d+), unknown type (\d+), "
                  r"after as-of (\d+), without user id (\d+)", summary)
    if not m:
        fail("no summary line in:\n" + summary)
    want = dict(zip(["events_read", "used", "skipped_bad", "unknown_events", "future", "missing_user"],
                    map(int, m.groups())))
    want["users"] = len(rows)
    shown = {a_["data-input"]: int(a_["data-count"]) for tag, a_, _ in dom.elements if "data-input" in a_}
    for key, n in want.items():
        if shown.get(key) != n:
            fail("input count {}: the report shows {}, the run {}".format(key, shown.get(key), n))
        checked["input counts"] += 1
    for name, n in re.findall(r"'([^']*)' \((\d+)\)", summary.split("do not declare", 1)[1].split("\n")[0]) \
            if "do not declare" in summary else []:
        shown_n = [int(a_["data-count"]) for _, a_, _ in dom.elements if a_.get("data-unknown") == name]
        if shown_n != [int(n)]:
            fail("unknown event type {}: the report shows {}, the summary {}".format(name, shown_n, n))
        checked["unknown event types"] += 1

    # Scores: tiers, histograms, rule points.
    scores = [c[:-4] for c in columns if c.endswith("_raw")]
    for s in scores:
        tier_col = s + "_tier"
        if tier_col in columns:
            want = Counter(r[tier_col] for r in rows if r[tier_col] != "")
            shown = {a_["data-tier"]: int(a_["data-count"]) for tag, a_, _ in dom.elements
                     if tag == "tr" and a_.get("data-score") == s and "data-tier" in a_}
            for tier, n in shown.items():
                if n != want.get(tier, 0):
                    fail("score {} tier {}: the report shows {} users, the CSV has {}".format(s, tier, n, want.get(tier, 0)))
            missing = set(want) - set(shown)
            if missing:
                fail("score {}: tiers {} are in the CSV but not in the report".format(s, sorted(missing)))
            checked["tier rows"] += len(shown)
        # With a baseline that has the score, its values are drawn over the run's.
        base_columns = list(base_rows[0].keys()) if base_rows else []
        for kind, col in (("raw", s + "_raw"), ("scaled", s)):
            if col not in columns:
                continue
            overlaid = col in base_columns
            checked["histogram bars"] += check_bars(dom, rows, s, kind, col, "now" if overlaid else "", a.name)
            if overlaid:
                checked["baseline bars"] += check_bars(dom, base_rows, s, kind, col, "baseline", a.name)
        points = [float(a_["data-points"]) for tag, a_, ctx in dom.elements
                  if tag == "tr" and "data-rule" in a_ and ctx.get("data-score") == s]
        raw = values(rows, s + "_raw")
        scale = sum(abs(v) for v in raw) + 1
        if abs(sum(points) - sum(raw)) > 1e-6 * scale + 1e-6 * len(raw):
            fail("score {}: the rules' points sum to {}, the raw scores to {}".format(s, sum(points), sum(raw)))
        checked["rule point sums"] += 1

    # Grades and segments.
    for tag, a_, ctx in dom.elements:
        if tag == "tr" and "data-letter" in a_:
            g = a_["data-grade"]
            n = sum(1 for r in rows if r[g] == a_["data-letter"])
            if int(a_["data-count"]) != n:
                fail("grade {} letter {}: the report shows {}, the CSV has {}".format(g, a_["data-letter"], a_["data-count"], n))
            checked["grade letters"] += 1
        if tag == "tr" and "data-segment" in a_:
            seg = a_["data-segment"]
            n = sum(1 for r in rows if r[seg] == "true")
            if int(a_["data-count"]) != n:
                fail("segment {}: the report shows {} members, the CSV has {}".format(seg, a_["data-count"], n))
            checked["segments"] += 1

    # The migration matrix: users in both runs, by (baseline tier, tier).
    if base_rows:
        old = {r["user_id"]: r for r in base_rows}
        for tag, a_, ctx in dom.elements:
            if tag != "td" or "data-from" not in a_:
                continue
            s = ctx["data-score"]
            def tier(r):
                return r[s + "_tier"] or "(none)"
            n = sum(1 for r in rows if r["user_id"] in old and tier(old[r["user_id"]]) == a_["data-from"]
                    and tier(r) == a_["data-to"])
            if int(a_["data-count"]) != n:
                fail("score {}: {} -> {}: the report shows {} users, the CSVs {}".format(s, a_["data-from"], a_["data-to"], a_["data-count"], n))
            checked["migration cells"] += 1
        if not checked["migration cells"]:
            fail("no migration matrix in a report with a baseline")

    if not checked["histogram bars"]:
        fail("no histogram checked")
    print("{}: {} users; checked {}".format(a.name, len(rows), ", ".join("{} {}".format(v, k) for k, v in sorted(checked.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
