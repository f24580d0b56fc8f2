#!/usr/bin/env python3
"""Cold start of each runtime: time from spawn to the first 200 on a real request, next to a bare
hello-world server of the same language started the same way. Standard library only.

Usage: harness.py --runs N --config CONFIG.json --out RESULTS.json
CONFIG: {"dotnet": {"runtime": {"argv": [...], "env": {...}, "path": "/?name=bench"}, "bare": {...}}, ...}
Prints a markdown table on stdout.
"""

import argparse
import json
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

START_DEADLINE_S = 30.0
POLL_INTERVAL_S = 0.002
EXIT_DEADLINE_S = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start_ms(target: dict) -> float:
    """Spawns the server, polls its URL until 200 (bounded), stops it; returns spawn → first 200 in ms."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASPNETCORE_", "DOTNET_STARTUP_HOOKS"))}
    env.update(target.get("env", {}))
    env["PORT"] = str(port)
    url = f"http://127.0.0.1:{port}{target.get('path', '/')}"
    started = time.perf_counter()
    process = subprocess.Popen(target["argv"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = started + START_DEADLINE_S
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{target['argv']} exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        response.read()
                        return (time.perf_counter() - started) * 1000
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            time.sleep(POLL_INTERVAL_S)
        raise TimeoutError(f"{target['argv']}: no 200 from {url} within {START_DEADLINE_S} s")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(EXIT_DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(EXIT_DEADLINE_S)
        process.stderr.close()


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]  # nearest rank


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)

    results = {}
    for name, targets in config.items():
        runtime_ms, bare_ms = [], []
        cold_start_ms(targets["runtime"])  # warm the OS file cache once, as a deployed image would be
        cold_start_ms(targets["bare"])
        for _ in range(args.runs):
            # Interleaved, so that drift in machine load affects both alike.
            runtime_ms.append(cold_start_ms(targets["runtime"]))
            bare_ms.append(cold_start_ms(targets["bare"]))
        p50, bare_p50 = statistics.median(runtime_ms), statistics.median(bare_ms)
        results[name] = {
            "cold_start_ms_p50": round(p50, 1),
            "cold_start_ms_p90": round(p90(runtime_ms), 1),
            "bare_ms_p50": round(bare_p50, 1),
            "bare_ms_p90": round(p90(bare_ms), 1),
            "ratio_to_bare": round(p50 / bare_p50, 2),
        }
        print(f"{name}: done", file=sys.stderr)

    document = {
        "benchmark": "runtime cold start: spawn to first 200 on a real request, vs a bare hello-world server",
        "runs": args.runs,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "runtimes": results,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)
        f.write("\n")

    print(f"Cold start, spawn → first 200 ({args.runs} runs each, ms)\n")
    print("| runtime | p50 | p90 | bare p50 | bare p90 | ratio to bare (p50) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['cold_start_ms_p50']} | {r['cold_start_ms_p90']} | {r['bare_ms_p50']} | {r['bare_ms_p90']} | {r['ratio_to_bare']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
