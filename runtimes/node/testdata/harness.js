'use strict';

// Shared by the runtime tests: start the runtime as a real child process on a free loopback port,
// talk HTTP to it, stop it. Every wait is bounded.

const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const RUNTIME = path.resolve(__dirname, '..', 'index.js');
const FUNCTIONS = path.resolve(__dirname, 'functions');

/** A port that was free a moment ago (the runtime binds it right after; a clash shows as exit code 4). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the runtime; resolves once /readyz answered 200 (unless waitReady is false).
 * options: { fn: directory under testdata/functions (or an absolute path), handler, env }
 */
async function startRuntime({ fn = 'echo', handler = 'index.js:handle', env = {}, waitReady = true, readyTimeoutMs = 10_000 } = {}) {
  const port = await freePort();
  let platformPort = await freePort();
  while (platformPort === port) platformPort = await freePort();
  const childEnv = { ...process.env, PORT: String(port), PLATFORM_PORT: String(platformPort), FUNCTION_PATH: path.resolve(FUNCTIONS, fn), HANDLER: handler, ...env };
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [RUNTIME], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => { output.stdout += d; });
  child.stderr.on('data', (d) => { output.stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const runtime = {
    port,
    platformPort,
    child,
    exited,
    spawnedAt,
    get stdout() { return output.stdout; },
    get stderr() { return output.stderr; },
    request: (options) => request(port, options),
    /** A request to PLATFORM_PORT: /healthz, /readyz, /metrics. */
    platform: (options) => request(platformPort, options),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (waitReady) {
    runtime.readyAfterMs = await waitForReady(runtime, readyTimeoutMs);
  }
  return runtime;
}

/** Polls /readyz on the platform port until 200; resolves to the milliseconds from spawn to that answer. */
async function waitForReady(runtime, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (runtime.child.exitCode !== null) {
      throw new Error(`runtime exited with ${runtime.child.exitCode} before it was ready: ${runtime.stderr}`);
    }
    try {
      const res = await request(runtime.platformPort, { path: '/readyz', timeoutMs: 1000, agent: false });
      if (res.status === 200) return performance.now() - runtime.spawnedAt;
    } catch (err) {
      if (!['ECONNREFUSED', 'ECONNRESET'].includes(err.code)) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`runtime not ready within ${timeoutMs} ms; stderr: ${runtime.stderr}`);
}

/** One HTTP request; resolves to { status, headers, body: Buffer, reusedSocket }. */
function request(port, { method = 'GET', path: target = '/', headers = {}, body, agent, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${target} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends raw bytes on a new connection; resolves to everything received until the server closes or timeoutMs passes. */
function rawExchange(port, chunks, { timeoutMs = 5000, endAfterBytes } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); resolve(received); }, timeoutMs);
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (endAfterBytes !== undefined && received.length >= endAfterBytes) { clearTimeout(timer); socket.destroy(); resolve(received); }
    });
    socket.on('close', () => { clearTimeout(timer); resolve(received); });
    socket.on('error', (err) => { if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err); });
    socket.on('connect', () => { for (const c of chunks) socket.write(c); });
  });
}

/** Polls until predicate() is truthy; every attempt and the total are bounded. */
async function eventually(predicate, { timeoutMs = 5000, intervalMs = 10, what = 'condition' } = {}) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}

/** Parses Prometheus text into { samples: Map(series -> number), help: Set(name), type: Map(name -> type) }. */
function parseMetrics(text) {
  const samples = new Map();
  const help = new Set();
  const type = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m;
    if ((m = /^# HELP (\S+) .+$/.exec(line))) help.add(m[1]);
    else if ((m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) type.set(m[1], m[2]);
    else if ((m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line))) samples.set(m[1], Number(m[2]));
    else throw new Error(`not a Prometheus text line: ${JSON.stringify(line)}`);
  }
  return { samples, help, type };
}

module.exports = { startRuntime, waitForReady, request, rawExchange, eventually, parseMetrics, freePort, FUNCTIONS, RUNTIME };
