#!/usr/bin/env bash
# Cold start of each function runtime (dotnet, node, python): spawn → first 200 on a real request, serving
# examples/hello-<lang>, next to a bare hello-world server of the same language started the same way
# (bare-dotnet/ built here, bare/server.js, bare/server.py). Median and p90 of 20 runs (5 with --quick).
# Usage: bench/runtimes/run.sh [--quick] [--no-build]
#   --no-build  use .out/ as it is instead of running scripts/build first
# Prints a markdown table; writes bench/results/runtimes.json. Binds 127.0.0.1 only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
artifacts="${BENCH_ARTIFACTS:-/tmp/art-bench-runtimes}"
runs=20
build=1
for arg in "$@"; do
  case $arg in
    --quick) runs=5 ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done

if [[ $build == 1 ]]; then
  "$root/scripts/build"
fi
for required in runtimes/dotnet/Serverless.Runtime.Dotnet.dll runtimes/node/index.js runtimes/python/runtime.py; do
  [[ -e $root/.out/$required ]] || { echo "$root/.out/$required is missing: run scripts/build" >&2; exit 1; }
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish "$root/bench/runtimes/bare-dotnet/BareDotnet.csproj" -c Release -o "$artifacts/bare-dotnet" \
  --artifacts-path "$artifacts" --nologo -v quiet -p:UseAppHost=false >&2
dotnet publish "$root/examples/hello-dotnet/HelloDotnet.csproj" -c Release -o "$artifacts/hello-dotnet" \
  --artifacts-path "$artifacts" --nologo -v quiet >&2

config="$artifacts/config.json"
cat > "$config" <<JSON
{
  "dotnet": {
    "runtime": {"argv": ["dotnet", "$root/.out/runtimes/dotnet/Serverless.Runtime.Dotnet.dll"], "path": "/?name=bench",
                "env": {"FUNCTION_PATH": "$artifacts/hello-dotnet", "HANDLER": "HelloDotnet::HelloDotnet.Handler::Handle"}},
    "bare": {"argv": ["dotnet", "$artifacts/bare-dotnet/BareDotnet.dll"], "path": "/"}
  },
  "node": {
    "runtime": {"argv": ["node", "$root/.out/runtimes/node/index.js"], "path": "/?name=bench",
                "env": {"FUNCTION_PATH": "$root/examples/hello-node", "HANDLER": "index.js:handle"}},
    "bare": {"argv": ["node", "$root/bench/runtimes/bare/server.js"], "path": "/"}
  },
  "python": {
    "runtime": {"argv": ["python3", "$root/.out/runtimes/python/runtime.py"], "path": "/?name=bench",
                "env": {"FUNCTION_PATH": "$root/examples/hello-python", "HANDLER": "main:handle"}},
    "bare": {"argv": ["python3", "$root/bench/runtimes/bare/server.py"], "path": "/"}
  }
}
JSON

exec python3 "$root/bench/runtimes/harness.py" --runs "$runs" --config "$config" --out "$root/bench/results/runtimes.json"
