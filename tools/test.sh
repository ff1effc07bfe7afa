#!/usr/bin/env bash
# Builds and runs every test: first the normal build, then the whole suite again
# built with AddressSanitizer and UndefinedBehaviorSanitizer, then a short run of each
# libFuzzer target (tools/fuzz.sh; longer runs: tools/fuzz.sh all 600).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DSCOREC_SANITIZE=ON -DSCOREC_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)"

# Each fuzz target replays its seeds, then fuzzes briefly; any finding fails CI. A fixed
# libFuzzer seed, so that a failure reproduces with the same command.
FUZZ_ARGS=-seed=1 bash tools/fuzz.sh all 12
