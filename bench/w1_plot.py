#!/usr/bin/env python3
"""Draws bench/w1.sh's scaling table as an SVG, by hand (no matplotlib needed).

    w1_plot.py [--metric wall|cpu] w1_scaling.csv w1_scaling.svg

Left: time against events (log-log), one line per run (scorec, duckdb).
Right: time per event against users (log x), at the sweep's fixed event count.
--metric cpu plots CPU time (user + system, all threads) instead of wall time:
on a loaded machine it is the steadier measure of the work done.
"""
import csv
import math
import sys
from collections import defaultdict

W, H = 920, 420          # whole picture
PW, PH = 340, 270        # one plot area
LEFT, TOP = 80, 60       # plot origin of the first panel
GAP = 120                # between the panels
COLORS = {"scorec": "#1f77b4", "duckdb": "#d62728"}


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nice_count(v):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            x = v / div
            return f"{x:g}{suffix}"
    return f"{v:g}"


def log_ticks(lo, hi):
    ticks = []
    e = math.floor(math.log10(lo))
    while 10 ** e <= hi * 1.0001:
        for m in (1, 2, 5):
            t = m * 10 ** e
            if lo / 1.0001 <= t <= hi * 1.0001:
                ticks.append(t)
        e += 1
    return ticks


def lin_ticks(lo, hi, n=5):
    span = hi - lo or 1.0
    step = 10 ** math.floor(math.log10(span / n))
    for m in (1, 2, 5, 10):
        if span / (step * m) <= n:
            step *= m
            break
    t = math.floor(lo / step) * step
    out = []
    while t <= hi + 1e-9:
        if t >= lo - 1e-9:
            out.append(round(t, 10))
        t += step
    return out


def panel(out, x0, title, xlabel, ylabel, series, xlog, ylog, xfmt, yfmt):
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    if not xs:
        return
    xlo, xhi = min(xs), max(xs)
    ylo, yhi = (min(ys), max(ys)) if ylog else (0.0, max(ys) * 1.1)
    if xlo == xhi:
        xlo, xhi = xlo / 2, xhi * 2
    if ylog and ylo == yhi:
        ylo, yhi = ylo / 2, yhi * 2
    if ylog:
        ylo, yhi = ylo / 1.3, yhi * 1.3

    def fx(x):
        if xlog:
            return x0 + PW * (math.log(x) - math.log(xlo)) / (math.log(xhi) - math.log(xlo))
        return x0 + PW * (x - xlo) / (xhi - xlo)

    def fy(y):
        if ylog:
            return TOP + PH - PH * (math.log(y) - math.log(ylo)) / (math.log(yhi) - math.log(ylo))
        return TOP + PH - PH * (y - ylo) / (yhi - ylo)

    out.append(f'<text x="{x0 + PW / 2}" y="{TOP - 20}" text-anchor="middle" font-weight="bold">{esc(title)}</text>')
    out.append(f'<rect x="{x0}" y="{TOP}" width="{PW}" height="{PH}" fill="none" stroke="#444"/>')
    for t in (log_ticks(xlo, xhi) if xlog else lin_ticks(xlo, xhi)):
        X = fx(t)
        out.append(f'<line x1="{X:.1f}" y1="{TOP}" x2="{X:.1f}" y2="{TOP + PH}" stroke="#ddd"/>')
        out.append(f'<text x="{X:.1f}" y="{TOP + PH + 16}" text-anchor="middle" font-size="11">{esc(xfmt(t))}</text>')
    for t in (log_ticks(ylo, yhi) if ylog else lin_ticks(ylo, yhi)):
        Y = fy(t)
        out.append(f'<line x1="{x0}" y1="{Y:.1f}" x2="{x0 + PW}" y2="{Y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 6}" y="{Y + 4:.1f}" text-anchor="end" font-size="11">{esc(yfmt(t))}</text>')
    out.append(f'<text x="{x0 + PW / 2}" y="{TOP + PH + 36}" text-anchor="middle" font-size="12">{esc(xlabel)}</text>')
    out.append(f'<text transform="translate({x0 - 52},{TOP + PH / 2}) rotate(-90)" text-anchor="middle" font-size="12">{esc(ylabel)}</text>')
    for i, (name, pts) in enumerate(sorted(series.items())):
        pts = sorted(pts)
        color = COLORS.get(name.split(" ")[0], "#2ca02c")
        path = " ".join(f"{'M' if j == 0 else 'L'}{fx(x):.1f},{fy(y):.1f}" for j, (x, y) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{fx(x):.1f}" cy="{fy(y):.1f}" r="3.5" fill="{color}"/>')
            out.append(f'<text x="{fx(x) + 5:.1f}" y="{fy(y) - 6:.1f}" font-size="10" fill="{color}">{esc(yfmt(y))}</text>')
        # Legend under the axis label, side by side, clear of the data.
        lx, ly = x0 + 180 * i, TOP + PH + 58
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 20}" y2="{ly - 4}" stroke="{color}" stroke-width="2"/>')
        out.append(f'<text x="{lx + 25}" y="{ly}" font-size="11">{esc(name)}</text>')


def main(argv):
    metric = "wall"
    if len(argv) == 5 and argv[1] == "--metric" and argv[2] in ("wall", "cpu"):
        metric = argv[2]
        argv = [argv[0]] + argv[3:]
    if len(argv) != 3:
        print("usage: w1_plot.py [--metric wall|cpu] w1_scaling.csv w1_scaling.svg", file=sys.stderr)
        return 2
    with open(argv[1], newline="") as f:
        rows = list(csv.DictReader(f))
    by_events = defaultdict(list)
    by_users = defaultdict(list)
    fixed_events = fixed_users = None
    for r in rows:
        name = f"{r['run']} ({r['threads']} threads)" if r["threads"] != "default" else f"{r['run']} (default threads)"
        seconds = float(r["wall_s"] if metric == "wall" else r["cpu_s"])
        if r["sweep"] == "events":
            by_events[name].append((float(r["events"]), seconds))
            fixed_users = r["users"]
        else:
            by_users[name].append((float(r["users"]), seconds * 1e9 / float(r["events"])))
            fixed_events = r["events"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    what = "wall" if metric == "wall" else "CPU"
    panel(out, LEFT, f"W1 {what} time vs events ({nice_count(float(fixed_users or 0))} users)", "events", f"{what} s",
          by_events, True, True, nice_count, lambda v: f"{v:.3g}")
    panel(out, LEFT + PW + GAP, f"{what} time per event vs users ({nice_count(float(fixed_events or 0))} events)", "users",
          f"{what} ns per event", by_users, True, False, nice_count, lambda v: f"{v:.0f}")
    out.append("</svg>")
    with open(argv[2], "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
