'use strict';

// Behaviour of the runtime as a real child process on a loopback port (the same cases the
// cross-runtime conformance suite runs against every runtime).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { startRuntime, request, rawExchange, eventually, parseMetrics, FUNCTIONS } = require('../testdata/harness');

const MiB = 1024 * 1024;

function json(res) {
  return JSON.parse(res.body.toString('utf8'));
}

function assertProblem(res, status, detailPattern) {
  assert.equal(res.status, status);
  assert.equal(res.headers['content-type'], 'application/problem+json');
  const problem = json(res);
  assert.equal(problem.status, status);
  assert.equal(typeof problem.title, 'string');
  assert.match(problem.detail, detailPattern);
  return problem;
}

describe('FUNCTION_DEBUG', () => {
  it('returns the exception text in the 500 when the function opts in', async () => {
    const runtime = await startRuntime({ env: { FUNCTION_DEBUG: 'true' } });
    try {
      const problem = assertProblem(await runtime.request({ path: '/throw' }), 500, /^TypeError: boom$/);
      assert.match(problem.instance, /^urn:uuid:/);
    } finally {
      await runtime.stop();
    }
  });
});

describe('a runtime serving the echo function', () => {
  let runtime;
  before(async () => {
    runtime = await startRuntime({ env: { MAX_REQUEST_BODY_BYTES: String(6 * MiB), FUNCTION_TIMEOUT: '1' } });
  });
  after(() => runtime.stop());

  it('answers /healthz and /readyz with 200 on the platform port, and 404 for any other path there', async () => {
    const health = await runtime.platform({ path: '/healthz' });
    const ready = await runtime.platform({ path: '/readyz' });
    assert.equal(health.status, 200);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.toString(), 'ready');
    assert.equal((await runtime.platform({ path: '/echo' })).status, 404);
  });

  it('hands /healthz, /readyz and /metrics on PORT to the function (issue #16)', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const res = await runtime.request({ path });
      assert.equal(res.status, 200);
      assert.equal(JSON.parse(res.body.toString()).path, path);
    }
  });

  it('prints one startup line with the load time', () => {
    assert.match(runtime.stdout, /^serverless-runtime: index\.js:handle loaded in \d+ ms, listening on http:\/\/127\.0\.0\.1:\d+ \(\d+ ms after start\)\n$/);
  });

  it('passes method, path, query, headers and body to the function', async () => {
    const res = await runtime.request({
      method: 'PUT',
      path: '/some/path?a=1&a=2&b=x%20y',
      headers: { 'X-Test': 'Hello', 'content-type': 'text/plain' },
      body: 'héllo body',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const echo = json(res);
    assert.equal(echo.method, 'PUT');
    assert.equal(echo.path, '/some/path');
    assert.deepEqual(echo.query, { a: '1', b: 'x y' });
    assert.deepEqual(echo.all, ['1', '2']);
    assert.equal(echo.headers['x-test'], 'Hello');
    assert.equal(echo.body, 'héllo body');
  });

  it('reuses a keep-alive connection across requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await runtime.request({ path: `/k${i}`, agent }));
      assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
      assert.deepEqual(results.map((r) => r.reusedSocket), [false, true, true]);
    } finally {
      agent.destroy();
    }
  });

  it('accepts a 5 MiB body intact', async () => {
    const body = crypto.randomBytes(5 * MiB);
    const res = await runtime.request({ method: 'POST', path: '/digest', body, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(res.status, 200);
    assert.deepEqual(json(res), { length: body.length, sha256: crypto.createHash('sha256').update(body).digest('hex') });
  });

  it('answers 413 to a declared body past MAX_REQUEST_BODY_BYTES, and keeps the connection usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await runtime.request({ method: 'POST', path: '/digest', body: Buffer.alloc(7 * MiB), agent });
      assertProblem(res, 413, /7340032 bytes; this function accepts at most 6291456 bytes/);
      const next = await runtime.request({ path: '/after-413', agent });
      assert.equal(next.status, 200);
    } finally {
      agent.destroy();
    }
  });

  it('answers 413 to a chunked body once it grows past MAX_REQUEST_BODY_BYTES, and keeps the connection usable', async (t) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const res = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: runtime.port, method: 'POST', path: '/digest', agent }, (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
      });
      req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', reject);
      const piece = Buffer.alloc(256 * 1024);
      let sent = 0;
      // 8 MiB in pieces, without Content-Length: Node sends Transfer-Encoding: chunked.
      const pump = () => {
        while (sent < 8 * MiB) {
          sent += piece.length;
          if (!req.write(piece)) return req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assertProblem(res, 413, /exceeds the limit of 6291456 bytes/);
    const next = await runtime.request({ path: '/after-chunked-413', agent });
    assert.equal(next.status, 200);
    assert.equal(next.reusedSocket, true);
  });

  it('refuses a too large body announced with Expect: 100-continue without asking for it', async () => {
    const reply = await rawExchange(runtime.port, [
      `POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: ${7 * MiB}\r\nExpect: 100-continue\r\n\r\n`,
    ]);
    assert.match(reply, /^HTTP\/1\.1 413 /);
    assert.match(reply, /\r\nconnection: close\r\n/i);
    assert.doesNotMatch(reply, /100 Continue/);
  });

  it('answers 500 with a problem, without the error text or stack, when the function throws, then keeps serving', async () => {
    // Issue #14 item 19: the exception's text stays in the log, under the problem's instance id.
    const res = await runtime.request({ path: '/throw' });
    const problem = assertProblem(res, 500, /^The function failed\./);
    assert.equal(problem.title, 'Internal Server Error');
    assert.match(problem.instance, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.doesNotMatch(res.body.toString(), /boom/);
    assert.doesNotMatch(res.body.toString(), /\bat \S+ \(/);
    await eventually(() => runtime.stderr.includes(`(${problem.instance}): TypeError: boom`), { what: 'the error logged to stderr under the instance id' });
    const next = await runtime.request({ path: '/after-throw' });
    assert.equal(next.status, 200);
  });

  it('survives a promise rejection the function leaves unhandled', async () => {
    assert.equal((await runtime.request({ path: '/stray-rejection' })).body.toString(), 'still here');
    await eventually(() => runtime.stderr.includes('unhandled promise rejection in the function: Error: nobody listens'), { what: 'the rejection logged' });
    assert.equal((await runtime.request({ path: '/after-rejection' })).status, 200);
  });

  it('answers 504 past FUNCTION_TIMEOUT, then keeps serving', async () => {
    const started = performance.now();
    const res = await runtime.request({ path: '/hang' });
    const elapsed = performance.now() - started;
    assertProblem(res, 504, /did not answer within its timeout of 1 s/);
    assert.ok(elapsed >= 900 && elapsed < 5000, `answered after ${elapsed} ms`);
    const next = await runtime.request({ path: '/after-timeout' });
    assert.equal(next.status, 200);
  });

  it('sends a returned { status, headers, body } as that response', async () => {
    const res = await runtime.request({ path: '/response' });
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-custom'], 'yes');
    assert.equal(res.headers.location, '/things/1');
    assert.deepEqual(json(res), { created: true });
  });

  it('answers 204 when the function returns nothing', async () => {
    const res = await runtime.request({ path: '/nothing' });
    assert.equal(res.status, 204);
    assert.equal(res.body.length, 0);
  });

  it('answers 400 when request.json() meets a body that is not JSON', async () => {
    const res = await runtime.request({ method: 'POST', path: '/json', body: '{not json' });
    assertProblem(res, 400, /not valid JSON/);
  });

  it('gives a binary-mode CloudEvent to the function as request.event', async () => {
    const res = await runtime.request({
      method: 'POST',
      path: '/event',
      headers: {
        'ce-specversion': '1.0', 'ce-id': 'e-1', 'ce-source': '/tests', 'ce-type': 'dev.serverless.test',
        'ce-subject': 'caf%C3%A9', 'ce-myext': 'ext-value', 'content-type': 'application/json',
      },
      body: JSON.stringify({ x: 1 }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(json(res).event, {
      specversion: '1.0', id: 'e-1', source: '/tests', type: 'dev.serverless.test', subject: 'café',
      myext: 'ext-value', datacontenttype: 'application/json', data: { x: 1 },
    });
  });

  it('gives a structured-mode CloudEvent to the function as request.event', async () => {
    const res = await runtime.request({
      method: 'POST',
      path: '/event',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify({ specversion: '1.0', id: 's-1', source: '/tests', type: 't', datacontenttype: 'application/json', data: { y: [1, 2] }, myext: 'e' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(json(res).event, { specversion: '1.0', id: 's-1', source: '/tests', type: 't', datacontenttype: 'application/json', data: { y: [1, 2] }, myext: 'e' });
  });

  it('decodes data_base64 of a structured CloudEvent to a Buffer', async () => {
    const res = await runtime.request({
      method: 'POST',
      path: '/event',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: 'b', source: '/s', type: 't', data_base64: Buffer.from([1, 2, 3]).toString('base64') }),
    });
    assert.equal(json(res).event.data, Buffer.from([1, 2, 3]).toString('base64'));
  });

  for (const [mode, missing, headers, body] of [
    ['binary', 'source', { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-type': 't' }, ''],
    ['binary', 'id', { 'ce-specversion': '1.0', 'ce-source': '/s', 'ce-type': 't' }, ''],
    ['structured', 'type', { 'content-type': 'application/cloudevents+json' }, JSON.stringify({ specversion: '1.0', id: '1', source: '/s' })],
    ['structured', 'specversion', { 'content-type': 'application/cloudevents+json' }, JSON.stringify({ id: '1', source: '/s', type: 't' })],
  ]) {
    it(`answers 400 naming "${missing}" when a ${mode}-mode CloudEvent lacks it`, async () => {
      const res = await runtime.request({ method: 'POST', path: '/event', headers, body });
      assertProblem(res, 400, new RegExp(`missing the required attribute "${missing}"`));
    });
  }

  it('answers 400 to a CloudEvent of another specversion', async () => {
    const res = await runtime.request({ method: 'POST', path: '/event', headers: { 'ce-specversion': '0.3', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' } });
    assertProblem(res, 400, /specversion "0\.3" is not supported/);
  });

  it('sends a returned CloudEvent back in binary mode', async () => {
    const res = await runtime.request({
      method: 'POST', path: '/reply', headers: { 'ce-specversion': '1.0', 'ce-id': 'in-7', 'ce-source': '/s', 'ce-type': 't' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['ce-specversion'], '1.0');
    assert.equal(res.headers['ce-id'], 'reply-1');
    assert.equal(res.headers['ce-source'], '/tests/reply');
    assert.equal(res.headers['ce-type'], 'dev.serverless.reply');
    assert.equal(res.headers['ce-myext'], 'x');
    assert.equal(decodeURIComponent(res.headers['ce-subject']), 'ünïcode subject');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(json(res), { received: 'in-7' });
  });
});

describe('metrics', () => {
  let runtime;
  before(async () => {
    runtime = await startRuntime();
  });
  after(() => runtime.stop());

  it('counts invocations by status and times them, without the reserved endpoints', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await runtime.request({ path: '/ok' })).status, 200);
    assert.equal((await runtime.request({ path: '/throw' })).status, 500);
    await runtime.platform({ path: '/healthz' });
    await runtime.platform({ path: '/readyz' });
    await runtime.platform({ path: '/metrics' });

    const res = await runtime.platform({ path: '/metrics' });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const { samples, help, type } = parseMetrics(res.body.toString());
    assert.equal(samples.get('serverless_runtime_requests_total{code="200"}'), 3);
    assert.equal(samples.get('serverless_runtime_requests_total{code="500"}'), 1);
    assert.equal(samples.get('serverless_runtime_in_flight'), 0);
    assert.equal(samples.get('serverless_runtime_request_duration_seconds_count'), 4);
    assert.equal(samples.get('serverless_runtime_request_duration_seconds_bucket{le="+Inf"}'), 4);
    assert.equal(samples.get('serverless_runtime_request_duration_seconds_bucket{le="10"}'), 4);
    assert.ok(samples.has('serverless_runtime_request_duration_seconds_bucket{le="0.005"}'));
    assert.ok(samples.get('serverless_runtime_request_duration_seconds_sum') > 0);
    assert.equal(type.get('serverless_runtime_requests_total'), 'counter');
    assert.equal(type.get('serverless_runtime_in_flight'), 'gauge');
    assert.equal(type.get('serverless_runtime_request_duration_seconds'), 'histogram');
    for (const name of type.keys()) assert.ok(help.has(name), `HELP for ${name}`);
  });

  it('labels every series with the namespace, function and revision from the platform\'s variables', async () => {
    const labelled = await startRuntime({ env: { FUNCTION_NAMESPACE: 'team-a', K_SERVICE: 'hello', K_CONFIGURATION: 'hello', K_REVISION: 'abc"1' } });
    try {
      assert.equal((await labelled.request({ path: '/ok' })).status, 200);
      const { samples } = parseMetrics((await labelled.platform({ path: '/metrics' })).body.toString());
      const own = 'namespace="team-a",function="hello",revision="abc\\"1"';
      assert.equal(samples.get(`serverless_runtime_requests_total{${own},code="200"}`), 1);
      assert.equal(samples.get(`serverless_runtime_in_flight{${own}}`), 0);
      assert.equal(samples.get(`serverless_runtime_request_duration_seconds_bucket{${own},le="+Inf"}`), 1);
      assert.equal(samples.get(`serverless_runtime_request_duration_seconds_count{${own}}`), 1);
    } finally {
      await labelled.stop();
    }
  });
});

describe('CONTAINER_CONCURRENCY=1', () => {
  let runtime;
  before(async () => {
    runtime = await startRuntime({ env: { CONTAINER_CONCURRENCY: '1' } });
  });
  after(() => runtime.stop());

  it('answers 429 with Retry-After: 1 past the limit, at once', async () => {
    const slow = runtime.request({ path: '/slow?ms=1500', agent: false });
    await eventually(async () => parseMetrics((await runtime.platform({ path: '/metrics' })).body.toString()).samples.get('serverless_runtime_in_flight') === 1,
      { what: 'one request in flight' });
    const started = performance.now();
    const refused = await runtime.request({ path: '/echo', agent: false });
    assert.ok(performance.now() - started < 1000, 'answered at once');
    assertProblem(refused, 429, /concurrency limit of 1/);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.headers['x-serverless-rejected'], 'concurrency');
    assert.equal((await slow).status, 200);
    assert.equal((await runtime.request({ path: '/echo' })).status, 200);
  });
});

describe('SIGTERM', () => {
  it('turns readiness to 503, finishes the request in flight, then exits 0', async () => {
    const runtime = await startRuntime();
    try {
      const slow = runtime.request({ path: '/slow?ms=1500', agent: false });
      await eventually(async () => parseMetrics((await runtime.platform({ path: '/metrics', agent: false })).body.toString()).samples.get('serverless_runtime_in_flight') === 1,
        { what: 'one request in flight' });
      runtime.child.kill('SIGTERM');
      let draining;
      await eventually(async () => (draining = await runtime.platform({ path: '/readyz', agent: false })).status === 503, { what: 'readiness 503' });
      assert.equal(draining.body.toString(), 'draining');
      const during = await runtime.request({ path: '/echo', agent: false });
      assert.equal(during.status, 200);
      assert.equal(during.headers.connection, 'close');
      const res = await slow;
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'slow done');
      const exit = await Promise.race([runtime.exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000))]);
      assert.deepEqual(exit, { code: 0, signal: null });
    } finally {
      await runtime.stop();
    }
  });

  it('leaves the signal mask and dispositions of the function\'s children at their defaults', async () => {
    const runtime = await startRuntime();
    try {
      const res = await runtime.request({ path: '/child-signals', agent: false });
      assert.equal(res.status, 200, res.body.toString());
      assert.deepEqual(JSON.parse(res.body.toString()), {
        child: { SigBlk: '0000000000000000', SigIgn: '0000000000000000' },
        terminated: 'SIGTERM',
      });
    } finally {
      await runtime.stop();
    }
  });

  it('exits 0 at once when nothing is in flight', async () => {
    const runtime = await startRuntime();
    try {
      runtime.child.kill('SIGTERM');
      const exit = await Promise.race([runtime.exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 3000))]);
      assert.deepEqual(exit, { code: 0, signal: null });
    } finally {
      await runtime.stop();
    }
  });
});

describe('loading', () => {
  async function startFailing(options) {
    const runtime = await startRuntime({ ...options, waitReady: false });
    const exit = await Promise.race([runtime.exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000))]);
    await runtime.stop();
    return { exit, runtime };
  }

  const echoFile = path.join(FUNCTIONS, 'echo', 'index.js');
  for (const [label, options, line] of [
    ['a missing export', { handler: 'index.js:nope' }, `serverless-runtime: handler "index.js:nope": export "nope" not found in ${echoFile}`],
    ['an export that is not a function', { handler: 'index.js:notAFunction' }, `serverless-runtime: handler "index.js:notAFunction": export "notAFunction" in ${echoFile} is not a function (it is a number)`],
    ['a missing file', { handler: 'missing.js:handle' }, `serverless-runtime: handler "missing.js:handle": file not found: ${path.join(FUNCTIONS, 'echo', 'missing.js')}`],
    ['a file outside FUNCTION_PATH', { handler: '../esm/handler.mjs:named' }, `serverless-runtime: handler "../esm/handler.mjs:named": the file must be inside FUNCTION_PATH (${path.join(FUNCTIONS, 'echo')})`],
    ['a malformed HANDLER', { handler: 'index.js' }, 'serverless-runtime: handler "index.js": must be "file:export", such as "index.js:handle"'],
    ['a syntax error', { fn: 'syntax-error' }, /^serverless-runtime: handler "index\.js:handle": cannot load \S+index\.js: SyntaxError: .+$/],
    ['an exception at load', { fn: 'throws-on-load' }, /^serverless-runtime: handler "index\.js:handle": cannot load \S+index\.js: RangeError: configuration missing$/],
    ['a missing FUNCTION_PATH directory', { fn: 'no-such-function' }, /^serverless-runtime: handler "index\.js:handle": FUNCTION_PATH "\S+no-such-function" is not a directory$/],
  ]) {
    it(`exits 3 with one stderr line for ${label}`, async () => {
      const { exit, runtime } = await startFailing(options);
      assert.deepEqual(exit, { code: 3, signal: null });
      const lines = runtime.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, runtime.stderr);
      if (typeof line === 'string') assert.equal(lines[0], line);
      else assert.match(lines[0], line);
      assert.equal(runtime.stdout, '');
    });
  }

  it('exits 2 naming the key, value and range for an invalid environment', async () => {
    const { exit, runtime } = await startFailing({ env: { FUNCTION_TIMEOUT: 'soon', CONTAINER_CONCURRENCY: '-1' } });
    assert.deepEqual(exit, { code: 2, signal: null });
    assert.match(runtime.stderr, /^serverless-runtime: CONTAINER_CONCURRENCY = "-1", must be an integer in 0\.\.2147483647$/m);
    assert.match(runtime.stderr, /^serverless-runtime: FUNCTION_TIMEOUT = "soon", must be an integer in 1\.\.86400$/m);
  });

  for (const [handler, expected] of [['handler.mjs:default', 'esm default GET'], ['handler.mjs:named', 'esm named world']]) {
    it(`loads an ES module export (${handler})`, async () => {
      const runtime = await startRuntime({ fn: 'esm', handler });
      try {
        const res = await runtime.request({ path: '/' });
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(res.body.toString(), expected);
      } finally {
        await runtime.stop();
      }
    });
  }
});

describe('examples and templates', () => {
  const repo = path.resolve(__dirname, '..', '..', '..');
  const event = { 'ce-specversion': '1.0', 'ce-id': 'in-1', 'ce-source': '/s', 'ce-type': 'order.created', 'content-type': 'application/json' };

  for (const [dir, check] of [
    ['examples/hello-node', async (runtime) => {
      assert.equal((await runtime.request({ path: '/?name=Ada' })).body.toString(), 'Hello, Ada!');
      assert.equal((await runtime.request({ path: '/' })).body.toString(), 'Hello, world!');
    }],
    ['runtimes/node/templates/http', async (runtime) => {
      assert.equal((await runtime.request({ path: '/?name=Ada' })).body.toString(), 'Hello, Ada!');
      assert.deepEqual(json(await runtime.request({ method: 'POST', path: '/', body: '{"a":1}' })), { received: { a: 1 } });
    }],
    ['runtimes/node/templates/cloudevents', async (runtime) => {
      const res = await runtime.request({ method: 'POST', path: '/', headers: event, body: '{"n":1}' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['ce-type'], 'order.created.processed');
      assert.match(res.headers['ce-id'], /^[0-9a-f-]{36}$/);
      assert.deepEqual(json(res), { original: 'in-1', data: { n: 1 } });
      assert.equal((await runtime.request({ path: '/' })).status, 400);
    }],
  ]) {
    it(`runs ${dir} with the handler its func.yaml names`, async () => {
      const yaml = require('node:fs').readFileSync(path.join(repo, dir, 'func.yaml'), 'utf8');
      const handler = /^handler: (\S+)$/m.exec(yaml)[1];
      assert.match(yaml, /^runtime: node$/m);
      assert.match(yaml, dir.includes('templates') ? /^name: "\{\{name\}\}"$/m : /^name: hello-node$/m);
      const runtime = await startRuntime({ fn: path.join(repo, dir), handler });
      try {
        await check(runtime);
      } finally {
        await runtime.stop();
      }
    });
  }
});
