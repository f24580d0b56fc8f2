#!/usr/bin/env bash
# Cold start from zero to the first byte through the real activator, per runtime (dotnet, node, python), with the
# bare spawn → first 200 of the same runtime through the local backend's launch path as the baseline, measured
# in the same run (rounds alternate the two paths). p50/p90/p99 over 30 runs (5 with --quick). The activator's share
# is estimated as activator p50 − spawn p50 (queueing, activation, scale from zero, readiness polling, forwarding).
# Usage: bench/coldstart/run.sh [--quick] [--no-build] [--runs N] [--no-sandbox] [--runtimes dotnet,node,python,dotnet-native]
#        [--label NAME] [--out FILE] [--pool N]
# --pool N (sandbox on or off): the platform keeps N warm generic instances per pooled runtime (node, python) and the
# activator path measures a cold start served from the pool; compare with a run without it.
# Env:   SERVERLESS_OUT moves the install layout (default .out/); RUNTIME_ENV="K=V K2=V2" adds variables to every
#        runtime process of the baseline path (to measure DOTNET_* settings).
# dotnet-native (only when named) is hello-dotnet built with `build: {native: true}`: one NativeAOT executable.
# Prints a markdown table; writes bench/results/coldstart.json (or --out). Binds 127.0.0.1 only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${SERVERLESS_OUT:-$root/.out}"
artifacts="${BENCH_ARTIFACTS:-/tmp/art-bench-coldstart}"
runs=30
build=1
results="$root/bench/results/coldstart.json"
extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) runs=5 ;;
    --no-build) build=0 ;;
    --runs) runs=$2; shift ;;
    --no-sandbox) extra+=(--no-sandbox) ;;
    --runtimes) extra+=(--runtimes "$2"); shift ;;
    --label) extra+=(--label "$2"); shift ;;
    --skip-activator) extra+=(--skip-activator) ;;
    --out) results=$2; shift ;;
    --pool) extra+=(--pool "$2"); shift ;;
    *) echo "usage: $0 [--quick] [--no-build] [--runs N] [--no-sandbox] [--runtimes LIST] [--label NAME] [--skip-activator] [--out FILE] [--pool N]" >&2; exit 2 ;;
  esac
  shift
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ $build == 1 ]]; then
  "$root/scripts/build"
fi
"$root/scripts/sandbox-tools"
dotnet publish "$root/examples/hello-dotnet/HelloDotnet.csproj" -c Release -o "$artifacts/hello-dotnet" \
  --artifacts-path "$artifacts" --nologo -v quiet >&2
if [[ " ${extra[*]} " == *dotnet-native* ]]; then
  # The same function with `build: {native: true}`, built as func builds it (about a minute of NativeAOT compiling).
  rm -rf "$artifacts/hello-dotnet-native" "$artifacts/native-src"
  cp -r "$root/examples/hello-dotnet" "$artifacts/native-src"
  rm -rf "$artifacts/native-src/bin" "$artifacts/native-src/obj"
  printf 'build:\n  native: true\n' >> "$artifacts/native-src/func.yaml"
  "$root/func" build "$artifacts/native-src" --out "$artifacts/hello-dotnet-native" >&2
fi
project="$root/bench/coldstart/Harness/Serverless.Bench.ColdStart.csproj"
dotnet build "$project" -c Release --artifacts-path "$artifacts" --nologo -v quiet >&2
exec dotnet "$artifacts/bin/Serverless.Bench.ColdStart/release/Serverless.Bench.ColdStart.dll" \
  --out "$results" --runs "$runs" --layout "$out" --artifacts "$artifacts" --root "$root" "${extra[@]}"
