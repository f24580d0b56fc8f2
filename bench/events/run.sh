#!/usr/bin/env bash
# Broker benchmark: durable ingress events/s (every 202 is a committed event) and end-to-end delivery events/s to a
# trivial warm .NET function, with p50/p99 end-to-end latency, on the real local platform from the install layout.
# End to end = POST /brokers/default/default -> broker store -> dispatcher -> activator -> function, whose reply event
# goes through the broker again to an in-process sink, where arrival is timed.
# Usage: bench/events/run.sh [--quick] [--events N] [--concurrency N]
#   --quick: 2,000 events instead of 20,000. Default concurrency 32 requests in flight.
# Env:   BENCH_SKIP_BUILD=1 skips scripts/build; SERVERLESS_OUT moves the layout (default .out/).
# Prints a markdown table; writes bench/results/events.json. Binds 127.0.0.1 only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
artifacts="${BENCH_ARTIFACTS:-/tmp/art-bench-events}"
project="$root/bench/events/Harness/Serverless.Bench.Events.csproj"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  "$root/scripts/build"
fi
dotnet build "$project" -c Release --artifacts-path "$artifacts" --nologo -v quiet >&2
cd "$root"
exec dotnet "$artifacts/bin/Serverless.Bench.Events/release/Serverless.Bench.Events.dll" \
  --root "$root" --out "$root/bench/results/events.json" "$@"
