#!/usr/bin/env bash
# Replays synthetic traces (ramp, spike, sine, on/off) through the KPA and an HPA-style baseline and compares
# instance-seconds against the ideal, cold starts and request-seconds over capacity.
# Usage: bench/autoscaler/run.sh [--quick] [--seed N] [--startup-delay S] [--pool-size N [--pool-start-ms MS]] [--stable-window S] [--min-scale N]
# Prints a markdown table; writes bench/results/autoscaler.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
artifacts="${BENCH_ARTIFACTS:-/tmp/art-bench-autoscaler}"
project="$root/bench/autoscaler/Harness/Serverless.Bench.Autoscaler.csproj"

dotnet build "$project" -c Release --artifacts-path "$artifacts" --nologo -v quiet >&2
cd "$root"
exec dotnet "$artifacts/bin/Serverless.Bench.Autoscaler/release/Serverless.Bench.Autoscaler.dll" \
  --out "$root/bench/results/autoscaler.json" "$@"
