#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang-19 into build-fuzz/ and runs
# them, one process at a time:
#
#   tools/fuzz.sh [TARGET|all] [SECONDS]     (default: all, 60 seconds per target)
#
# Each target's corpus grows in build-fuzz/corpus/TARGET and is kept between runs;
# seeds are made afresh from the shipped files (build-fuzz/seeds/TARGET). A crash, leak,
# sanitizer report, timeout or failed check is saved in build-fuzz/crashes/TARGET/ and
# the log in build-fuzz/logs/TARGET.log; the script then exits with status 1.
# FUZZ_ARGS adds libFuzzer options (e.g. FUZZ_ARGS=-runs=0 to only replay the corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
seconds=${2:-60}
all=(fuzz_rules fuzz_fmt fuzz_csv fuzz_ndjson fuzz_gzip fuzz_gz_raw fuzz_state fuzz_aot)
if [ "$which" = all ]; then targets=("${all[@]}"); else targets=("$which"); fi

out=build-fuzz
cmake -S . -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DCMAKE_C_FLAGS=-O1 \
  -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19 -DSCOREC_FUZZ=ON -DSCOREC_BUILD_BENCH=OFF >/dev/null
cmake --build "$out" -j "$(nproc)" --target "${targets[@]}"

# ---- seeds ----------------------------------------------------------------------
shipped() {  # the shipped files of one kind: rules | csv | ndjson
  case "$1" in
    rules) find examples stdlib tests/golden tests/fmt/golden tests/fuzz -name '*.score' ;;
    csv) find examples tests/fuzz/seeds/csv -name '*.csv' ;;
    ndjson) find examples tests/fuzz/seeds/ndjson -name '*.ndjson' ;;
  esac
}
copy_into() {  # dir < paths: copies each file, named after its path
  local f
  while read -r f; do cp "$f" "$1/${f//\//_}"; done
}
make_seeds() {  # target -> build-fuzz/seeds/target
  local t=$1 dir="$out/seeds/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  case "$t" in
    fuzz_rules | fuzz_fmt)
      shipped rules | copy_into "$dir"
      SCOREC_FUZZ_SEEDS="$dir" "$out/tests/fuzz/fuzz_rules" >/dev/null 2>&1 ;;
    fuzz_csv) shipped csv | copy_into "$dir" ;;
    fuzz_ndjson) shipped ndjson | copy_into "$dir" ;;
    fuzz_gzip) { shipped csv; shipped ndjson; } | copy_into "$dir" ;;
    fuzz_gz_raw)
      local n=0 f
      for f in $(shipped csv) $(shipped ndjson); do
        n=$((n + 1))
        gzip -9 -c "$f" > "$dir/$n.gz"
        head -c 100 "$dir/$n.gz" > "$dir/$n.truncated.gz"
      done ;;
    fuzz_state | fuzz_aot) SCOREC_FUZZ_SEEDS="$dir" "$out/tests/fuzz/$t" >/dev/null 2>&1 ;;
  esac
}
max_len() {
  case "$1" in
    fuzz_rules | fuzz_fmt) echo 4096 ;;
    fuzz_state | fuzz_aot) echo 16384 ;;
    *) echo 8192 ;;
  esac
}

# ---- runs -----------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TMPDIR="$PWD/$out/tmp"
failed=()
for t in "${targets[@]}"; do
  make_seeds "$t"
  mkdir -p "$out/corpus/$t" "$out/crashes/$t" "$out/logs" "$TMPDIR"
  dict=()
  case "$t" in fuzz_rules | fuzz_fmt) dict=(-dict=tests/fuzz/score.dict) ;; esac
  echo "== $t: ${seconds}s"
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
  if "$out/tests/fuzz/$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=20 -rss_limit_mb=2560 \
       -print_final_stats=1 -artifact_prefix="$out/crashes/$t/" "${dict[@]}" ${FUZZ_ARGS:-} \
       "$out/corpus/$t" "$out/seeds/$t" > "$out/logs/$t.log" 2>&1; then
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$out/logs/$t.log" | tr '\n' ' '
    echo
  else
    failed+=("$t")
    echo "!! $t found something: $out/logs/$t.log, input in $out/crashes/$t/"
    grep -E -A25 'ERROR: |scorec fuzz finding|runtime error' "$out/logs/$t.log" | head -60 || tail -30 "$out/logs/$t.log"
  fi
  rm -rf "${TMPDIR:?}"/scorec-fuzz-*
done
if [ ${#failed[@]} -gt 0 ]; then echo "fuzzing found problems in: ${failed[*]}"; fi
# One plain closing line for CI: "fuzz: N passed, N failed".
echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
