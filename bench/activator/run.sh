#!/usr/bin/env bash
# Measures what the activator (the function ingress) costs on top of a bare reverse proxy: wrk against
# (a) the function instance directly, (b) nginx, (c) a bare YARP IHttpForwarder (BareYarp/, no logic of
# ours) and (d) the activator path /default/hello-dotnet/, all four in front of the SAME warm instance
# (the platform's own, minScale 1), at 1 and 50 connections; and (e) the activator path of hello-split, a 90/10
# split between two revisions of the same code (one warm instance each), against (d) in the same run, and (f) the
# activator path of hello-pair, one revision on two warm instances: the split's two processes without the split, and
# (g) nginx's own 90/10 split over hello-split's two instances (upstream weights), the peer's cost of the same split.
# Usage: bench/activator/run.sh [--quick] [--rounds N]
#   Every target (and the split's 10 % revision's instance directly) is warmed once before the rounds (5 s at 1 and at
#   50 connections; 2 s with --quick), then each measurement has its own 2 s warm-up.
#   --quick: 3 s per measurement instead of 10 s. --rounds N (default 1): repeat the whole set N times,
#   rotating the target order each round, and report per-target medians (for a noisy, shared machine), and the median
#   of each round's ratios (paired_*). --duration S and --warmup S set a measurement's length and its own warm-up:
#   many short rounds (--rounds 12 --duration 2 --warmup 0) let the paired ratios outlast a drifting machine.
# Env:   BENCH_SKIP_BUILD=1 skips scripts/build (uses the layout as it is); SERVERLESS_OUT moves the layout
#        (default .out/), so a bench can run from a private build while others build the checkout.
# Prints a markdown table; writes bench/results/activator.json. Binds 127.0.0.1 only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${SERVERLESS_OUT:-$root/.out}"
duration=10
quick=false
rounds=1
duration_set=""
warmup=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) duration=3; quick=true ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --duration) duration_set=${2:?--duration needs seconds}; shift ;;
    --warmup) warmup=${2:?--warmup needs seconds}; shift ;;
    *) echo "usage: $0 [--quick] [--rounds N] [--duration S] [--warmup S]" >&2; exit 2 ;;
  esac
  shift
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a positive integer" >&2; exit 2; }
[[ -n $duration_set ]] && duration=$duration_set
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a positive number of seconds" >&2; exit 2; }
[[ $warmup =~ ^[0-9]+$ ]] || { echo "--warmup must be a number of seconds" >&2; exit 2; }
prewarm=$((duration / 2 > 2 ? duration / 2 : 2))   # per target and connection count, once before the rounds
results="$root/bench/results/activator.json"

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  echo "installing wrk and nginx" >&2
  apt-get update -qq && apt-get install -y -qq wrk nginx >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  "$root/scripts/build"
fi
work=$(mktemp -d /tmp/bench-activator.XXXXXX)
export SERVERLESS_HOME="$work/home"
mkdir -p "$SERVERLESS_HOME"
func() { dotnet "$out/func/func.dll" "$@"; }

nginx_pid=""
yarp_pid=""
platform_up=false
cleanup() {
  local rc=$?
  [[ -n $yarp_pid ]] && kill "$yarp_pid" 2>/dev/null && wait "$yarp_pid" 2>/dev/null
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  # `func down` drains and stops the platform and every instance it supervises.
  $platform_up && func down >&2 || true
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url: bounded wait for a 200
  local i
  for ((i = 0; i < 100; i++)); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1") == 200 ]]; then return 0; fi
    sleep 0.1
  done
  echo "no 200 from $1 within 10 s" >&2
  return 1
}

# --- build the bare YARP harness (not in the solution) ------------------------------------------------
echo "building BareYarp" >&2
dotnet publish "$root/bench/activator/BareYarp/BareYarp.csproj" -c Release -o "$work/yarp" \
  --artifacts-path "${out}/.bench-yarp" --nologo -v quiet -p:UseAppHost=false >&2

# --- platform + warm function -------------------------------------------------------------------------
platform_up=true   # before `up`: a platform that started but made `up` fail is still taken down
func up --detach --ingress 127.0.0.1:0 --admin 127.0.0.1:0 >&2
ingress=$(jq -r .ingressUrl "$SERVERLESS_HOME/platform.json")
platform_pid=$(jq -r .pid "$SERVERLESS_HOME/platform.json")
# A copy of examples/hello-dotnet named $1 in $work/$1, held at exactly $2 warm instances (minScale = maxScale: warm,
# and no scale-out under 50 connections), deployed.
deploy_hello() {
  local name=$1 scale=$2 dir="$work/$1"
  cp -r "$root/examples/hello-dotnet" "$dir"
  rm -rf "$dir/bin" "$dir/obj"
  sed -i -E "s/^name:.*/name: $name/; s/^([[:space:]]*)minScale:.*/\1minScale: $scale/; s/^([[:space:]]*)maxScale:.*/\1maxScale: $scale/" "$dir/func.yaml"
  grep -q "^name: $name\$" "$dir/func.yaml" && grep -q "minScale: $scale\$" "$dir/func.yaml" && grep -q "maxScale: $scale\$" "$dir/func.yaml"
  func deploy "$dir" >&2
}
# One instance for every target below.
deploy_hello hello-dotnet 1

# The platform's own instance: its log names the address; confirm a child of the platform listens there.
instance=""
for ((i = 0; i < 100; i++)); do
  instance=$(grep -rhoE 'listening on http://127\.0\.0\.1:[0-9]+' "$SERVERLESS_HOME/logs/default/hello-dotnet" 2>/dev/null \
    | tail -1 | sed 's/listening on //') || true
  [[ -n $instance ]] && break
  sleep 0.1
done
[[ -n $instance ]] || { echo "could not find the instance address in the instance log" >&2; exit 1; }
instance_port=${instance##*:}
owner=$(ss -ltnpH "sport = :$instance_port" | grep -oE 'pid=[0-9]+' | head -1 | cut -d= -f2)
# The runtime is a descendant of the platform: inside its sandbox, bubblewrap and its init stand in between.
descends_from_platform() {
  local pid=$1
  for _ in 1 2 3 4 5 6; do
    pid=$(ps -o ppid= -p "$pid" | tr -d ' ')
    [[ -z $pid || $pid == 0 ]] && return 1
    [[ $pid == "$platform_pid" ]] && return 0
  done
  return 1
}
if [[ -z $owner ]] || ! descends_from_platform "$owner"; then
  echo "port $instance_port is not held by a descendant of the platform (pid $platform_pid)" >&2
  exit 1
fi
instance_count=$(ls "$SERVERLESS_HOME/instances" | wc -l)
echo "instance $instance (pid $owner, platform pid $platform_pid, $instance_count instance(s))" >&2

# --- a two-way split: hello-split, two revisions of the same code (an env change cuts the second), 90/10 -----
# Each revision has its own warm instance (minScale 1, maxScale 1): the main one as the Function's workload, the
# other as a workload keyed by its revision name; the activator picks per request (issue #17 item 8).
deploy_hello hello-split 1
func config env set SPLIT_REVISION=2 -p "$work/hello-split" >&2
func deploy "$work/hello-split" >&2
func traffic hello-split set hello-split-00001=90 hello-split-00002=10 >&2
split_ready=false
for ((i = 0; i < 300; i++)); do
  traffic=$(func describe hello-split -o json | jq -r '[.status.traffic[]? | "\(.revisionName):\(.percent)"] | join(",")')
  ready=$(func revisions hello-split -o json 2>/dev/null | jq -r '[.items[]? | select(.status.readyReplicas >= 1) | .metadata.name] | sort | join(",")' || true)
  if [[ $traffic == "hello-split-00001:90,hello-split-00002:10" && $ready == "hello-split-00001,hello-split-00002" ]]; then
    split_ready=true
    break
  fi
  sleep 0.2
done
$split_ready || { echo "hello-split never showed 90/10 with both revisions ready (traffic '$traffic', ready '$ready')" >&2; exit 1; }
# Each split revision's own instance (its workload is keyed by the revision's name): the 10 % one is warmed directly
# below, so that it is as JIT-warm as the 90 % one and as the single row's, which every other target also drives; both
# are the upstreams of nginx's own 90/10 split (the nginx-split row).
revision_instance() { # revision: prints the address of its newest instance's listener once that answers 200
  local address="" newest_log i
  for ((i = 0; i < 100; i++)); do
    # The newest log file: an earlier instance of the workload (replaced while the revisions settled) has its own.
    # Every revision's instances log under their Function's directory, one file each named after the instance
    # (hello-split-00002-{hash}-{n}.log).
    newest_log=$(ls -t "$SERVERLESS_HOME/logs/default/hello-split/$1"-*.log 2>/dev/null | head -1) || true
    [[ -n $newest_log ]] && address=$(grep -hoE 'listening on http://127\.0\.0\.1:[0-9]+' "$newest_log" | tail -1 | sed 's/listening on //') || true
    [[ -n $address && $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$address/") == 200 ]] && { echo "$address"; return 0; }
    sleep 0.1
  done
  echo "could not find $1's instance address in its log" >&2
  return 1
}
split_a=$(revision_instance hello-split-00001)
split_b=$(revision_instance hello-split-00002)

# --- the same-process-count baseline: hello-pair, one revision on two warm instances (minScale 2, maxScale 2) -------
# The split runs two processes (one per revision) where the single row runs one; on 2 cores shared with wrk a second
# process costs CPU of its own (its thread pool's wake-ups and spinning, its share of the connections). This row
# runs the same two processes behind one revision, so split against pair is what choosing a revision per request
# costs, and pair against single what the second process costs.
deploy_hello hello-pair 2
pair_ready=""
for ((i = 0; i < 300; i++)); do
  pair_ready=$(func describe hello-pair -o json | jq -r '.status.readyReplicas // 0')
  [[ $pair_ready == 2 ]] && break
  sleep 0.2
done
[[ $pair_ready == 2 ]] || { echo "hello-pair never showed 2 ready instances (readyReplicas '$pair_ready')" >&2; exit 1; }

# --- nginx ----------------------------------------------------------------------------------------------
nginx_port=$(free_port)
nginx_split_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream instance {
    server 127.0.0.1:$instance_port;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://instance;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
  # The peer's own 90/10 split over hello-split's two instances: weighted round robin, per request, as the activator's.
  upstream split {
    server ${split_a#http://} weight=9;
    server ${split_b#http://} weight=1;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$nginx_split_port;
    location / {
      proxy_pass http://split;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/stderr" &
nginx_pid=$!

# --- bare YARP -----------------------------------------------------------------------------------------
yarp_port=$(free_port)
dotnet "$work/yarp/BareYarp.dll" "$yarp_port" "$instance" >"$work/yarp.log" 2>&1 &
yarp_pid=$!

declare -A url=(
  [direct]="$instance/"
  [nginx]="http://127.0.0.1:$nginx_port/"
  [nginx-split]="http://127.0.0.1:$nginx_split_port/"
  [yarp]="http://127.0.0.1:$yarp_port/"
  [activator]="$ingress/default/hello-dotnet/"
  [split]="$ingress/default/hello-split/"
  [pair]="$ingress/default/hello-pair/"
)
targets=(direct nginx yarp activator split pair nginx-split)
for t in "${targets[@]}"; do
  wait_http "${url[$t]}"
  body=$(curl -s --max-time 2 "${url[$t]}")
  [[ $body == "Hello, world!" ]] || { echo "$t answered '$body'" >&2; exit 1; }
done

# CPU time (clock ticks, user + system) of the platform process and of all its descendants (the instances, their
# sandboxes), so each measurement also says what a request cost in CPU: a figure that holds up better than a rate
# on a shared machine, and that shows whether the split's second process costs CPU the single row does not pay.
# The third figure is the peer proxies' own (nginx, master and workers, and BareYarp), so that the activator's CPU per
# request can be set against theirs.
cpu_ticks() {
  python3 - "$platform_pid" "$nginx_pid" "$yarp_pid" <<'PY'
import os, sys
root = int(sys.argv[1])
peers = [int(p) for p in sys.argv[2:] if p]
stat = {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            f = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
            stat[int(d)] = (int(f[1]), int(f[11]) + int(f[12]))   # ppid, utime + stime
        except (OSError, IndexError):
            pass
children = {}
for pid, (ppid, _) in stat.items():
    children.setdefault(ppid, []).append(pid)
def tree(pids):
    total, todo = 0, list(pids)
    while todo:
        pid = todo.pop()
        total += stat.get(pid, (0, 0))[1]
        todo += children.get(pid, [])
    return total
print(f"{stat.get(root, (0, 0))[1]} {tree(children.get(root, []))} {tree(peers)}")
PY
}

# --- warm every path before anything is timed -------------------------------------------------------------
# Without it the first round timed the split's instances while they were still tiering up their JIT (they serve no
# other target, and the 10 % revision's got a tenth of the split's 2 s warm-up), and the split's median carried it.
# Every target and the 10 % revision's instance (directly) get the same warm-up at both connection counts, then a
# pause for the background tier-1 compiles.
for t in "${targets[@]}" split_b; do
  [[ $t == split_b ]] && target_url="$split_b/" || target_url="${url[$t]}"
  echo "warm-up: $t (${prewarm}s at 1 and at 50 connections)" >&2
  wrk -t1 -c1 -d"${prewarm}s" "$target_url" >/dev/null
  wrk -t2 -c50 -d"${prewarm}s" "$target_url" >/dev/null
done
sleep 2

# --- measure --------------------------------------------------------------------------------------------
load_before=$(uptime)
raw="$work/raw.tsv"
: >"$raw"
for ((round = 1; round <= rounds; round++)); do
  # Rotate the order so no target always runs first (or last) after the others warmed the machine.
  shift_by=$(((round - 1) % ${#targets[@]}))
  order=("${targets[@]:shift_by}" "${targets[@]:0:shift_by}")
  for conns in 1 50; do
    threads=$((conns == 1 ? 1 : 2))
    for t in "${order[@]}"; do
      echo "round $round/$rounds: wrk $t c=$conns (${warmup}s warm-up + ${duration}s)" >&2
      wrk_out="$work/wrk-$round-$t-$conns.txt"
      ((warmup > 0)) && wrk -t"$threads" -c"$conns" -d"${warmup}s" "${url[$t]}" >/dev/null
      cpu_before=$(cpu_ticks)
      wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "${url[$t]}" >"$wrk_out"
      printf 'cpu_ticks_before %s\ncpu_ticks_after %s\n' "$cpu_before" "$(cpu_ticks)" >>"$wrk_out"
      printf '%s\t%s\t%s\t%s\n' "$t" "$conns" "$round" "$wrk_out" >>"$raw"
    done
  done
done
load_after=$(uptime)
instance_count=$(ls "$SERVERLESS_HOME/instances" | wc -l)

# --- report ---------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$results")"
python3 - "$raw" "$results" "$duration" "$quick" "$load_before" "$load_after" "$(nproc)" \
  "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$instance_count" "$prewarm" "$warmup" <<'PY'
import json, os, re, statistics, sys, datetime
raw, out, duration, quick, load_before, load_after, nproc, commit, instances, prewarm, warmup = sys.argv[1:]

def ms(value):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    number, unit = float(m.group(1)), m.group(2)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = {int(p): ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    before = re.search(r"cpu_ticks_before (\d+) (\d+) (\d+)", text)
    after = re.search(r"cpu_ticks_after (\d+) (\d+) (\d+)", text)
    tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
    cpu = lambda i: round((int(after.group(i)) - int(before.group(i))) * tick_us / requests, 1)
    return {"rps": rps, "p50_ms": pct[50], "p75_ms": pct[75], "p90_ms": pct[90], "p99_ms": pct[99],
            "requests": requests, "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(map(int, sock.groups())) if sock else 0,
            # CPU per request of the platform (activator) and of its descendants (instances); wrk and nginx/BareYarp are not counted.
            "platform_cpu_us_per_request": cpu(1), "instances_cpu_us_per_request": cpu(2), "peer_proxy_cpu_us_per_request": cpu(3)}

per_round = {}
for line in open(raw):
    target, conns, rnd, path = line.rstrip("\n").split("\t")
    per_round.setdefault((target, int(conns)), []).append({"round": int(rnd), **parse(path)})

# Median per figure over the rounds (a single round reports itself).
rows = {}
for key, runs in per_round.items():
    rows[key] = {f: statistics.median(r[f] for r in runs) for f in ("rps", "p50_ms", "p75_ms", "p90_ms", "p99_ms", "platform_cpu_us_per_request", "instances_cpu_us_per_request", "peer_proxy_cpu_us_per_request")}
    rows[key]["non_2xx"] = sum(r["non_2xx"] for r in runs)
    rows[key]["socket_errors"] = sum(r["socket_errors"] for r in runs)
rounds = max(len(v) for v in per_round.values())

def ratio(a, b):
    return round(a / b, 3) if b else None

print(f"\nActivator overhead, hello-dotnet, {duration}s per run after a {warmup}s warm-up, {rounds} round(s) (medians), {nproc} cores shared by wrk, proxies and instance")
print(f"load before: {load_before.strip()}\nload after:  {load_after.strip()}\n")
print("| target | conns | RPS | p50 ms | p99 ms | RPS vs direct | vs nginx | vs YARP | vs activator | CPU µs/request platform + instances | proxy CPU µs/request |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
def proxy_cpu(target, r):
    # What the proxy in front of the instance spent per request: nginx's or BareYarp's own CPU, the platform's for the
    # activator rows (it is the activator, plus the platform's idle work), none for the instance reached directly.
    return r["peer_proxy_cpu_us_per_request"] if target in ("nginx", "nginx-split", "yarp") else 0.0 if target == "direct" else r["platform_cpu_us_per_request"]

raw_out = []
for conns in (1, 50):
    for target in ("direct", "nginx", "yarp", "activator", "split", "pair", "nginx-split"):
        r = rows[(target, conns)]
        vd = ratio(r["rps"], rows[("direct", conns)]["rps"])
        vn = ratio(r["rps"], rows[("nginx", conns)]["rps"])
        vy = ratio(r["rps"], rows[("yarp", conns)]["rps"])
        va = ratio(r["rps"], rows[("activator", conns)]["rps"])
        errs = "" if r["non_2xx"] == 0 and r["socket_errors"] == 0 else f" (non-2xx {r['non_2xx']}, socket errors {r['socket_errors']})"
        print(f"| {target}{errs} | {conns} | {r['rps']:.0f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {vd:.2f} | {vn:.2f} | {vy:.2f} | {va:.2f} | {r['platform_cpu_us_per_request']:.0f} + {r['instances_cpu_us_per_request']:.0f} | {proxy_cpu(target, r):.0f} |")
        raw_out.append({"target": target, "connections": conns, **r,
                        "rps_ratio_vs_direct": vd, "rps_ratio_vs_nginx": vn, "rps_ratio_vs_yarp": vy, "rps_ratio_vs_activator": va,
                        "rounds": per_round[(target, conns)]})

def paired(a, b, conns):
    by_round = {}
    for target in (a, b):
        for run in per_round[(target, conns)]:
            by_round.setdefault(run["round"], {})[target] = run["rps"]
    ratios = [r[a] / r[b] for r in by_round.values() if a in r and b in r and r[b]]
    return round(statistics.median(ratios), 3) if ratios else None

act50, act1 = rows[("activator", 50)], rows[("activator", 1)]
summary = {
    "rps_ratio_vs_nginx": ratio(act50["rps"], rows[("nginx", 50)]["rps"]),
    "rps_ratio_vs_yarp": ratio(act50["rps"], rows[("yarp", 50)]["rps"]),
    "rps_ratio_vs_direct": ratio(act50["rps"], rows[("direct", 50)]["rps"]),
    "rps_ratio_vs_yarp_1conn": ratio(act1["rps"], rows[("yarp", 1)]["rps"]),
    "p99_added_ms_1conn": round(act1["p99_ms"] - rows[("direct", 1)]["p99_ms"], 3),
    "p50_added_ms_1conn": round(act1["p50_ms"] - rows[("direct", 1)]["p50_ms"], 3),
    "p99_added_ms_1conn_vs_yarp": round(act1["p99_ms"] - rows[("yarp", 1)]["p99_ms"], 3),
    # The 90/10 split between two revisions against the single-revision activator row of the same run (goal >= 0.95).
    "split_rps_ratio_vs_single": ratio(rows[("split", 50)]["rps"], act50["rps"]),
    "split_rps_ratio_vs_single_1conn": ratio(rows[("split", 1)]["rps"], act1["rps"]),
    # The same split against one revision on the same two processes: what the per-request choice costs.
    "split_rps_ratio_vs_pair": ratio(rows[("split", 50)]["rps"], rows[("pair", 50)]["rps"]),
    "split_rps_ratio_vs_pair_1conn": ratio(rows[("split", 1)]["rps"], rows[("pair", 1)]["rps"]),
    # One revision on two processes against one: what the second process costs on this machine.
    "pair_rps_ratio_vs_single": ratio(rows[("pair", 50)]["rps"], act50["rps"]),
    "pair_rps_ratio_vs_single_1conn": ratio(rows[("pair", 1)]["rps"], act1["rps"]),
    # The peer's own 90/10 split over the same two instances against nginx on the single instance: what a split to a
    # second process costs a proxy that is not ours, on this machine.
    "nginx_split_rps_ratio_vs_nginx": ratio(rows[("nginx-split", 50)]["rps"], rows[("nginx", 50)]["rps"]),
    "nginx_split_rps_ratio_vs_nginx_1conn": ratio(rows[("nginx-split", 1)]["rps"], rows[("nginx", 1)]["rps"]),
    # The same ratios taken per round (each round's targets run one after another) and then their median: a slow
    # drift of the machine's speed cancels within a round, which the ratio of the medians above does not do.
    **{f"paired_{a.replace('-', '_')}_vs_{b.replace('-', '_')}{suffix}": paired(a, b, conns)
       for a, b in (("split", "activator"), ("pair", "activator"), ("split", "pair"), ("nginx-split", "nginx"))
       for conns, suffix in ((50, ""), (1, "_1conn"))},
    # CPU per request, platform + instances, 50 connections: what the split costs the machine beside its rate.
    "single_cpu_us_per_request": [act50["platform_cpu_us_per_request"], act50["instances_cpu_us_per_request"]],
    "split_cpu_us_per_request": [rows[("split", 50)]["platform_cpu_us_per_request"], rows[("split", 50)]["instances_cpu_us_per_request"]],
    "pair_cpu_us_per_request": [rows[("pair", 50)]["platform_cpu_us_per_request"], rows[("pair", 50)]["instances_cpu_us_per_request"]],
}
doc = {
    "benchmark": "activator",
    "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": commit,
    "quick": quick == "true",
    "duration_s": int(duration),
    "warmup_s": int(warmup),
    "rounds": rounds,
    "aggregate": "median over rounds" if rounds > 1 else "single run",
    "cores": int(nproc),
    "load_before": load_before.strip(),
    "load_after": load_after.strip(),
    "function": "default/hello-dotnet (minScale 1)",
    "platform_instances": int(instances),
    "same_instance_for_all_targets": True,
    "wrk": {"1": "-t1 -c1 --latency", "50": "-t2 -c50 --latency"},
    **summary,
    "split": "default/hello-split: hello-split-00001=90 hello-split-00002=10, one instance per revision (two processes, against the single row's one), each warmed as much as the single row's before the rounds",
    "pair": "default/hello-pair: one revision, two warm instances (minScale 2, maxScale 2): the split's process count without the split",
    "nginx-split": "nginx (worker_processes auto) with its own 90/10 split (upstream weights 9 and 1, per request) over hello-split's two instances: the peer's cost of the second process",
    "prewarm_s_per_target_and_connections": int(prewarm),
    "verdict_split_at_least_0_95_of_single": summary["split_rps_ratio_vs_single"] is not None and summary["split_rps_ratio_vs_single"] >= 0.95,
    "verdict_activator_at_least_0_9_of_yarp": summary["rps_ratio_vs_yarp"] is not None and summary["rps_ratio_vs_yarp"] >= 0.9,
    "runs": raw_out,
}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
print("\n" + "\n".join(f"{k}: {v}" for k, v in summary.items()))
print(f"wrote {out}")
PY
