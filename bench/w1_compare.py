#!/usr/bin/env python3
"""Compares scorec's W1 output with DuckDB's, user by user (bench/w1.sh).

    w1_compare.py SCOREC.csv DUCKDB.csv

Both files are CSV with a header: user id first, the raw score second
(scorec: user_id,engagement_raw; DuckDB: user_id,engagement_raw), rows in any
order. Prints one line:

    users 998765 / 998765, only in one 0, sum|diff| 1.2e-01, max|diff| 5.0e-07, max rel diff 3.1e-09: agree

scorec writes at most 6 decimals (docs/input.md), so each user may differ by up
to 5e-7 from rounding alone; the run agrees when both have the same users and
every |diff| <= 1e-6 + 1e-9 * |score|. The relative difference is taken over
users with |score| >= 1 (below that the 6-decimal rounding dominates).
Exit status 0 when they agree, 1 when not, 2 on bad input.
"""
import csv
import math
import sys


def read_scores(path):
    scores = {}
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if header is None or len(header) < 2:
            raise ValueError(f"{path}: no header with a user and a score column")
        for line, row in enumerate(rows, start=2):
            if row[0] in scores:
                raise ValueError(f"{path}:{line}: user {row[0]!r} appears twice")
            scores[row[0]] = float(row[1]) if row[1] != "" else math.nan
    return scores


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        ours = read_scores(argv[1])
        theirs = read_scores(argv[2])
    except (OSError, ValueError) as e:
        print(f"w1_compare: {e}", file=sys.stderr)
        return 2
    only_in_one = len(ours.keys() ^ theirs.keys())
    sum_abs = max_abs = max_rel = 0.0
    bad = 0
    for user, s in ours.items():
        d = theirs.get(user)
        if d is None:
            continue
        diff = abs(s - d)
        if math.isnan(diff):
            bad += 1
            continue
        sum_abs += diff
        max_abs = max(max_abs, diff)
        if abs(d) >= 1.0:
            max_rel = max(max_rel, diff / abs(d))
        if diff > 1e-6 + 1e-9 * abs(d):
            bad += 1
    agree = only_in_one == 0 and bad == 0
    print(f"users {len(ours)} / {len(theirs)}, only in one {only_in_one}, "
          f"sum|diff| {sum_abs:.1e}, max|diff| {max_abs:.1e}, max rel diff {max_rel:.1e}, "
          f"users off by more than 1e-6: {bad}: {'agree' if agree else 'DISAGREE'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
