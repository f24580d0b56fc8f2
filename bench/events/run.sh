#!/usr/bin/env bash
# Broker benchmark, per backend (--backend sqlite, the default, or rabbitmq on a private rabbitmq-server node):
# 1. the backend's baseline alone: a raw SQLite group-commit writer, or raw RabbitMQ.Client publish with confirms;
#    for RabbitMQ also the floor under any broker here: the same HTTP requests against a bare Kestrel server in its own
#    process, answering 202 at once, then 202 after a raw publish with its confirm (Harness/FloorServer.cs);
# 2. ingress only: durable 202s/s (SQLite commit / RabbitMQ confirm) while the Trigger's deliveries are held, so
#    no delivery competes with the ingress; the ratio to the baseline of the same run; one event a request (binary
#    mode), then the same in batch content mode (application/cloudevents-batch+json, --batch events a request);
# 3. end to end: delivery events/s to a trivial warm .NET function, with p50/p99 end-to-end latency,
# on the real local platform from the install layout.
# End to end = POST /brokers/default/default -> broker store -> dispatcher -> activator -> function, whose reply event
# goes through the broker again to an in-process sink, where arrival is timed.
# Usage: bench/events/run.sh [--backend sqlite|rabbitmq] [--quick] [--ingress-only] [--events N] [--concurrency N] [--batch N] [--out FILE] [--platform-env NAME=VALUE]...
#   --quick: 2,000 events (each phase) instead of 20,000. Default concurrency 32 requests in flight; --batch 10.
#   --ingress-only: baselines, floors and ingress phases only (no end-to-end phase), one line on stdout, no --out file:
#   the A/B of an ingress change (with --platform-env, or two trees).
# Env:   BENCH_SKIP_BUILD=1 skips scripts/build; SERVERLESS_OUT moves the layout (default .out/).
# Prints a markdown table; writes bench/results/events.json (events-rabbitmq.json for rabbitmq). Binds 127.0.0.1 only.
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
  --root "$root" "$@"
