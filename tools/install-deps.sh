#!/usr/bin/env bash
# Installs every build and test dependency of scorec on a fresh Debian bookworm
# machine. Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  antlr4 libantlr4-runtime-dev           # grammar generator (4.7.2) + C++ runtime (4.9)
  llvm-19-dev                            # ORC LLJIT for the native engine
  libfmt-dev                             # formatting
  libgtest-dev libgmock-dev googletest   # unit and golden tests
  libbenchmark-dev                       # benchmarks
  libsimdjson-dev                        # NDJSON reader (on-demand API)
  libisal-dev                            # gzip input: ISA-L streaming inflate (zlib1g-dev below: tests write gzip)
  libxxhash-dev                          # state-file checksums (header-only use)
  libcli11-dev                           # command line
  zlib1g-dev                             # gzip-compressed event files
  libboost1.81-dev                       # boost::unordered_flat_map (user ids, strings)
  libfast-float-dev                      # number parsing (support/text.cpp)
  clang-19 libclang-rt-19-dev            # libFuzzer targets (tools/fuzz.sh): compiler + fuzzer/sanitizer runtimes
  gzip python3
  chromium fonts-dejavu-core             # tests/report/html_dom_test.py renders `scorec report` pages headless
  time nodejs                            # bench/w1.sh: /usr/bin/time (wall, peak RSS); node runs the DuckDB anchor
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# bench/w1.sh installs @duckdb/node-api with npm. Some nodejs builds bring npm
# along; Debian's does not, and its npm package would clash with those.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
