#!/usr/bin/env bash
# W1 of issue 12: `scorec run` from a file against DuckDB on the same file, end
# to end (read + score + write CSV), with 1 and 2 threads; checks that both
# computed the same scores. See bench/README.md, "W1: scorec run vs DuckDB".
#
#   bench/w1.sh [--scorec PATH] [--gen PATH] [run]   the table (default)
#   bench/w1.sh [--scorec PATH] [--gen PATH] scaling time against events and users (slow)
#
# Builds nothing: scorec and scorec-w1-gen are taken from --scorec / --gen, else
# $SCOREC / $W1_GEN, else $BUILD_DIR (default build/). DuckDB comes from
# bench/duckdb/node_modules (`npm install` there; this script runs it when the
# folder is missing). Environment (defaults):
#   W1_DIR=/tmp/w1             generated inputs (reused when present) and outputs
#   W1_EVENTS=20000000         events in the CSV
#   W1_USERS=1000000           users
#   W1_NDJSON_EVENTS=5000000   the NDJSON holds the first K events of the same stream
#   W1_SEED=1
#   W1_THREADS="1 2"           thread counts (scorec only when `scorec run --help` has --threads)
#   W1_REPS=1                  runs per row; the fastest is shown
#   W1_INPUTS="csv csv.gz ndjson ndjson.gz"
#   W1_SCALING_EVENTS="2000000 20000000 100000000"   scaling: events at W1_USERS users
#   W1_SCALING_USERS="10000 100000 1000000 10000000" scaling: users at W1_EVENTS events
#   W1_RESULTS=bench/results   scaling: where w1_scaling.csv and .svg go
#   W1_PLOT_METRIC=wall        scaling: plot wall or cpu (user + system) time
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

scorec="${SCOREC:-}"
gen="${W1_GEN:-}"
mode=run
while [ $# -gt 0 ]; do
  case "$1" in
    --scorec) scorec="$2"; shift 2 ;;
    --gen) gen="$2"; shift 2 ;;
    run|scaling) mode="$1"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "w1.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
build_dir="${BUILD_DIR:-$root/build}"
scorec="${scorec:-$build_dir/cli/scorec}"
gen="${gen:-$build_dir/bench/scorec-w1-gen}"
W1_DIR="${W1_DIR:-/tmp/w1}"
W1_EVENTS="${W1_EVENTS:-20000000}"
W1_USERS="${W1_USERS:-1000000}"
W1_NDJSON_EVENTS="${W1_NDJSON_EVENTS:-5000000}"
W1_SEED="${W1_SEED:-1}"
W1_THREADS="${W1_THREADS:-1 2}"
W1_REPS="${W1_REPS:-1}"
W1_INPUTS="${W1_INPUTS:-csv csv.gz ndjson ndjson.gz}"
W1_SCALING_EVENTS="${W1_SCALING_EVENTS:-2000000 20000000 100000000}"
W1_SCALING_USERS="${W1_SCALING_USERS:-10000 100000 1000000 10000000}"
W1_RESULTS="${W1_RESULTS:-$root/bench/results}"
W1_PLOT_METRIC="${W1_PLOT_METRIC:-wall}"
rules="$here/rules/w1.score"
duck="$here/duckdb/w1.mjs"

die() { echo "w1.sh: $*" >&2; exit 1; }
[ -x "$scorec" ] || die "no scorec at '$scorec' (build it, or pass --scorec PATH)"
[ -x "$gen" ] || die "no scorec-w1-gen at '$gen' (cmake --build build --target scorec-w1-gen, or pass --gen PATH)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time (tools/install-deps.sh)"
command -v node >/dev/null || die "node is missing (tools/install-deps.sh)"
command -v python3 >/dev/null || die "python3 is missing"
if [ ! -d "$here/duckdb/node_modules/@duckdb/node-api" ]; then
  command -v npm >/dev/null || die "npm is missing (tools/install-deps.sh)"
  (cd "$here/duckdb" && npm install --no-audit --no-fund --no-package-lock >&2)
fi
mkdir -p "$W1_DIR/out"

# --threads only once scorec has it (the ingest rewrite adds it).
scorec_threads=no
if "$scorec" run --help 2>&1 | grep -q -- '--threads'; then scorec_threads=yes; fi

load() { cut -d' ' -f1 /proc/loadavg; }

# gen_file EVENTS USERS FORMAT HEAD -> prints the path; generates it unless present.
gen_file() {
  local n="$1" u="$2" fmt="$3" head="$4" name
  name="w1-${n}e-${u}u-s${W1_SEED}"
  [ "$head" != 0 ] && [ "$head" -lt "$n" ] && name="$name-head$head"
  local path="$W1_DIR/$name.$fmt"
  if [ ! -s "$path" ]; then
    echo "generating $path" >&2
    "$gen" -n "$n" -u "$u" --seed "$W1_SEED" --head "$head" --format "$fmt" -o "$path.tmp"
    mv "$path.tmp" "$path"
  fi
  echo "$path"
}

gz_file() {
  local path="$1"
  if [ ! -s "$path.gz" ]; then
    echo "compressing $path" >&2
    gzip -c "$path" >"$path.gz.tmp"
    mv "$path.gz.tmp" "$path.gz"
  fi
  echo "$path.gz"
}

# timed OUTVAR CMD... : runs CMD W1_REPS times; OUTVAR gets "wall_s rss_kb load
# cpu_s" of the fastest run (cpu = user + system: on a loaded machine it moves
# less than wall time). A failing command stops the script with its stderr.
timed() {
  local __var="$1"; shift
  local best="" tf ef i l
  tf="$(mktemp)"; ef="$(mktemp)"
  for ((i = 0; i < W1_REPS; i++)); do
    l="$(load)"
    if ! /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >/dev/null 2>"$ef"; then
      cat "$ef" >&2; rm -f "$tf" "$ef"; die "failed: $*"
    fi
    read -r w m cu cs <"$tf"
    if [ -z "$best" ] || awk -v a="$w" -v b="${best%% *}" 'BEGIN{exit !(a < b)}'; then
      best="$w $m $l $(awk -v u="$cu" -v s="$cs" 'BEGIN{printf "%.2f", u + s}')"
    fi
  done
  rm -f "$tf" "$ef"
  printf -v "$__var" '%s' "$best"
}

raw_size() {  # uncompressed size in bytes
  case "$1" in
    *.gz) gzip -dc "$1" | wc -c ;;
    *) stat -c %s "$1" ;;
  esac
}

scorec_cmd() {  # INPUT OUT THREADS
  local cmd=("$scorec" run "$rules" --events "$1" -o "$2" -q)
  [ "$scorec_threads" = yes ] && cmd+=(--threads "$3")
  printf '%s\0' "${cmd[@]}"
}

run_table() {
  local csv ndjson inputs=() in
  csv="$(gen_file "$W1_EVENTS" "$W1_USERS" csv 0)"
  ndjson="$(gen_file "$W1_EVENTS" "$W1_USERS" ndjson "$W1_NDJSON_EVENTS")"
  for in in $W1_INPUTS; do
    case "$in" in
      csv) inputs+=("$csv") ;;
      ndjson) inputs+=("$ndjson") ;;
      csv.gz) inputs+=("$(gz_file "$csv")") ;;
      ndjson.gz) inputs+=("$(gz_file "$ndjson")") ;;
      *) die "unknown input kind '$in' in W1_INPUTS" ;;
    esac
  done

  echo "# W1: scorec run vs DuckDB"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start;" \
       "$("$scorec" --version 2>/dev/null | head -1 || echo 'scorec ?') at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" \
       "($([ "$scorec_threads" = yes ] && echo 'has --threads' || echo 'no --threads: one run, its own default'))," \
       "DuckDB $(node "$duck" --version 2>/dev/null || echo '?')" \
       "via node $(node --version); events $W1_EVENTS (NDJSON: the first $W1_NDJSON_EVENTS), users $W1_USERS, seed $W1_SEED, best of $W1_REPS."
  echo
  echo "| input | run | threads | wall s | MB/s | CPU s | peak RSS MB | load | × DuckDB same threads | × DuckDB best |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  local checks=() sizes_note=""
  for in in "${inputs[@]}"; do
    local base mb t r
    base="$(basename "$in")"
    mb="$(awk -v s="$(raw_size "$in")" 'BEGIN{printf "%.1f", s / 1e6}')"
    sizes_note+="$base $mb MB; "
    cat "$in" >/dev/null   # page cache: every run reads from memory
    declare -A dwall=()
    local dbest=""
    local rows=()
    for t in $W1_THREADS; do
      local out="$W1_DIR/out/$base.duckdb.t$t.csv"
      timed r node "$duck" --input "$in" --output "$out" --threads "$t"
      read -r w m l c <<<"$r"
      dwall[$t]="$w"
      if [ -z "$dbest" ] || awk -v a="$w" -v b="$dbest" 'BEGIN{exit !(a < b)}'; then dbest="$w"; fi
      rows+=("duckdb|$t|$w|$m|$l|$c|")
    done
    local sthreads="$W1_THREADS"
    [ "$scorec_threads" = yes ] || sthreads="1"
    for t in $sthreads; do
      local out="$W1_DIR/out/$base.scorec.t$t.csv" cmd=()
      mapfile -d '' cmd < <(scorec_cmd "$in" "$out" "$t")
      timed r "${cmd[@]}"
      read -r w m l c <<<"$r"
      local label="$t"
      [ "$scorec_threads" = yes ] || label="(default)"
      rows+=("scorec|$label|$w|$m|$l|$c|$t")
      checks+=("$base: scorec threads $label vs DuckDB threads $t: $(python3 "$here/w1_compare.py" "$out" "$W1_DIR/out/$base.duckdb.t$t.csv" || true)")
    done
    local row
    for row in "${rows[@]}"; do
      IFS='|' read -r who label w m l c t <<<"$row"
      t="${t:-$label}"
      local same="" best=""
      if [ "$who" = scorec ]; then
        [ -n "${dwall[$t]:-}" ] && same="$(awk -v a="$w" -v b="${dwall[$t]}" 'BEGIN{printf "%.2f", a / b}')"
        best="$(awk -v a="$w" -v b="$dbest" 'BEGIN{printf "%.2f", a / b}')"
      fi
      awk -v inp="$base" -v who="$who" -v th="$label" -v w="$w" -v mb="$mb" -v c="$c" -v m="$m" -v l="$l" -v same="$same" -v best="$best" \
        'BEGIN{printf "| %s | %s | %s | %.2f | %.0f | %s | %.0f | %s | %s | %s |\n", inp, who, th, w, (w > 0 ? mb / w : 0), c, m / 1024, l, same, best}'
    done
    unset dwall
  done
  echo
  echo "MB/s of uncompressed input (${sizes_note%; })." \
       "wall, CPU (user + system) and peak RSS by /usr/bin/time (DuckDB's include node); × DuckDB = scorec wall / DuckDB wall (above 1: scorec slower)." \
       "Load: 1-minute load average before the run."
  echo
  echo "Results agree? (per user; scorec writes 6 decimals, so |diff| up to 5e-7 is rounding)"
  echo
  local c
  for c in "${checks[@]}"; do echo "- $c"; done
  echo
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

run_scaling() {
  mkdir -p "$W1_RESULTS"
  local csvout="$W1_RESULTS/w1_scaling.csv" t_max="${W1_THREADS##* }" n u f r w m l
  echo "sweep,events,users,run,threads,file_mb,wall_s,ns_per_event,cpu_s,peak_rss_mb,load" >"$csvout"
  row() {  # SWEEP N U RUN THREADS FILE RESULT
    local w m l c
    read -r w m l c <<<"$7"
    awk -v s="$1" -v n="$2" -v u="$3" -v run="$4" -v th="$5" -v fb="$(stat -c %s "$6")" -v w="$w" -v m="$m" -v l="$l" -v c="$c" \
      'BEGIN{printf "%s,%d,%d,%s,%s,%.1f,%.3f,%.1f,%s,%.0f,%s\n", s, n, u, run, th, fb / 1e6, w, w * 1e9 / n, c, m / 1024, l}' | tee -a "$csvout"
  }
  scorec_row() {  # SWEEP N U FILE
    local cmd=()
    mapfile -d '' cmd < <(scorec_cmd "$4" "$W1_DIR/out/scaling.scorec.csv" "$t_max")
    cat "$4" >/dev/null
    timed r "${cmd[@]}"
    row "$1" "$2" "$3" scorec "$([ "$scorec_threads" = yes ] && echo "$t_max" || echo default)" "$4" "$r"
  }
  duck_row() {
    timed r node "$duck" --input "$4" --output "$W1_DIR/out/scaling.duckdb.csv" --threads "$t_max"
    row "$1" "$2" "$3" duckdb "$t_max" "$4" "$r"
  }
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for n in $W1_SCALING_EVENTS; do
    f="$(gen_file "$n" "$W1_USERS" csv 0)"
    scorec_row events "$n" "$W1_USERS" "$f"
    duck_row events "$n" "$W1_USERS" "$f"
  done
  for u in $W1_SCALING_USERS; do
    f="$(gen_file "$W1_EVENTS" "$u" csv 0)"
    scorec_row users "$W1_EVENTS" "$u" "$f"
    duck_row users "$W1_EVENTS" "$u" "$f"
  done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  python3 "$here/w1_plot.py" --metric "$W1_PLOT_METRIC" "$csvout" "$W1_RESULTS/w1_scaling.svg"
  echo "wrote $csvout and $W1_RESULTS/w1_scaling.svg" >&2
}

case "$mode" in
  run) run_table ;;
  scaling) run_scaling ;;
esac
