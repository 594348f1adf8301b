#!/usr/bin/env bash
# The benchmark (a harness, not a timed test): moto on 127.0.0.1 behind
# scripts/aws-proxy.py, which adds a fixed delay to every request; the
# reference deployment is seeded and `check` runs against it.
#
#   scripts/bench.sh                  # 50 ms per request, release build
#   scripts/bench.sh --scale          # also pad the account and measure again
#   scripts/bench.sh --delay-ms 100 --runs 5
#   scripts/bench.sh --dev ...        # reuse the debug build of the tests
#
# Prints wall time, API calls, retries, the critical path, the ratio
# wall / (critical path × delay) and peak RSS, plus one `BENCH {json}` line per
# scenario to compare runs with.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/moto-env.sh
profile=(--profile bench)
args=()
for a in "$@"; do
  if [ "$a" = "--dev" ]; then profile=(--profile dev); else args+=("$a"); fi
done
cargo bench "${profile[@]}" --bench preflight -- "${args[@]}"
