#!/usr/bin/env bash
# Cold start with the function sandbox (bubblewrap) on against off: through the local backend's launch path
# (spawn → first 200, as bench/runtimes measures a bare runtime) and through the activator (a request to a Function
# at zero → its 200), for the dotnet, node and python examples. 20 runs per mode (5 with --quick), the modes
# alternating. Needs bubblewrap (scripts/sandbox-tools).
# Usage: bench/sandbox/run.sh [--quick] [--no-build] [--skip-activator]
# Env:   SERVERLESS_OUT moves the install layout (default .out/).
# Prints a markdown table; writes bench/results/sandbox.json. Binds 127.0.0.1 only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${SERVERLESS_OUT:-$root/.out}"
artifacts="${BENCH_ARTIFACTS:-/tmp/art-bench-sandbox}"
runs=20
build=1
extra=()
for arg in "$@"; do
  case $arg in
    --quick) runs=5 ;;
    --no-build) build=0 ;;
    --skip-activator) extra+=(--skip-activator) ;;
    *) echo "usage: $0 [--quick] [--no-build] [--skip-activator]" >&2; exit 2 ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ $build == 1 ]]; then
  "$root/scripts/build"
fi
"$root/scripts/sandbox-tools"
dotnet publish "$root/examples/hello-dotnet/HelloDotnet.csproj" -c Release -o "$artifacts/hello-dotnet" \
  --artifacts-path "$artifacts" --nologo -v quiet >&2
project="$root/bench/sandbox/Harness/Serverless.Bench.Sandbox.csproj"
dotnet build "$project" -c Release --artifacts-path "$artifacts" --nologo -v quiet >&2
exec dotnet "$artifacts/bin/Serverless.Bench.Sandbox/release/Serverless.Bench.Sandbox.dll" \
  --out "$root/bench/results/sandbox.json" --runs "$runs" --layout "$out" --artifacts "$artifacts" --root "$root" "${extra[@]}"
