#!/usr/bin/env bash
# 1,000 Functions created at once against the in-process API server double (with its Deployment simulator),
# reconciled to Ready by the real Kubernetes-mode controller; reports the time and the controller's API calls
# per Function.
# Usage: bench/kubernetes/run.sh [--quick] [--functions N] [--workers N] [--timeout SECONDS] [--no-cel] [--out FILE]
#   --no-cel: the API double checks the CRD schema only (no CEL rules), so that the controller's own cost is measured.
# Prints a markdown table; writes bench/results/kubernetes.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
artifacts="${BENCH_ARTIFACTS:-/tmp/art-bench-kubernetes}"
project="$root/bench/kubernetes/Harness/Serverless.Bench.Kubernetes.csproj"

dotnet build "$project" -c Release --artifacts-path "$artifacts" --nologo -v quiet >&2
# The double evaluates the CRDs' CEL rules with an npm package (tests/KubeApiServer/Validation/Cel), as ./test does.
cel="$root/tests/KubeApiServer/Validation/Cel"
if [[ ! -f $cel/node_modules/.package-lock.json || $cel/package-lock.json -nt $cel/node_modules/.package-lock.json ]]; then
  npm ci --prefix "$cel" --no-audit --no-fund --loglevel=error >&2
fi
cd "$root"
exec dotnet "$artifacts/bin/Serverless.Bench.Kubernetes/release/Serverless.Bench.Kubernetes.dll" \
  "$@" --out "$root/bench/results/kubernetes.json"
