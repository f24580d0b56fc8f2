'use strict';

// The pure modules, table-driven: no process, no socket.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { parseConfig } = require('../lib/config');
const { parseHandlerSpec, resolveHandlerFile, HandlerLoadError } = require('../lib/loader');
const ce = require('../lib/cloudevents');
const { toResponse, problem, describeError } = require('../lib/responses');
const { ConcurrencyLimiter } = require('../lib/limiter');
const { RuntimeMetrics } = require('../lib/metrics');
const { splitTarget, createRequest, RequestError } = require('../lib/request');
const { quote } = require('../lib/text');

describe('parseConfig', () => {
  it('applies the defaults', () => {
    const { config, errors } = parseConfig({ PORT: '8080', FUNCTION_PATH: '/fn' });
    assert.deepEqual(errors, []);
    assert.deepEqual({ ...config }, {
      port: 8080, host: '127.0.0.1', functionPath: '/fn', handler: 'index.js:handle', containerConcurrency: 0,
      timeoutSeconds: 300, maxRequestBodyBytes: 33554432, logLevel: 3, debug: false, platformPort: null, metricLabels: {},
    });
  });

  it('reads PLATFORM_PORT and the identity labels, leaving blank ones out', () => {
    const { config } = parseConfig({ PORT: '1', FUNCTION_PATH: '/f', PLATFORM_PORT: '9091', K_SERVICE: 'hello', K_REVISION: 'abc', FUNCTION_NAMESPACE: ' ' });
    assert.equal(config.platformPort, 9091);
    assert.deepEqual({ ...config.metricLabels }, { function: 'hello', revision: 'abc' });
  });

  for (const [value, debug] of [['true', true], ['1', true], [' TRUE ', true], ['false', false], ['yes', false], ['', false]]) {
    it(`reads FUNCTION_DEBUG=${JSON.stringify(value)} as ${debug}`, () => {
      assert.equal(parseConfig({ PORT: '1', FUNCTION_PATH: '/f', FUNCTION_DEBUG: value }).config.debug, debug);
    });
  }

  for (const [label, env, error] of [
    ['missing PORT', { FUNCTION_PATH: '/fn' }, 'PORT is required (an integer in 1..65535)'],
    ['PORT out of range', { PORT: '70000', FUNCTION_PATH: '/fn' }, 'PORT = "70000", must be an integer in 1..65535'],
    ['missing FUNCTION_PATH', { PORT: '1' }, "FUNCTION_PATH is required (the directory holding the function's source)"],
    ['a HOST shorthand', { PORT: '1', FUNCTION_PATH: '/f', HOST: '1' }, 'HOST = "1", must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or localhost'],
    ['a zero timeout', { PORT: '1', FUNCTION_PATH: '/f', FUNCTION_TIMEOUT: '0' }, 'FUNCTION_TIMEOUT = "0", must be an integer in 1..86400'],
    ['a fractional body limit', { PORT: '1', FUNCTION_PATH: '/f', MAX_REQUEST_BODY_BYTES: '1.5' }, 'MAX_REQUEST_BODY_BYTES = "1.5", must be an integer in 1..9007199254740991'],
    ['an unknown LOG_LEVEL', { PORT: '1', FUNCTION_PATH: '/f', LOG_LEVEL: 'loud' }, 'LOG_LEVEL = "loud", must be one of trace, debug, information, warning, error, critical, none'],
    ['a control character', { PORT: '1\n2', FUNCTION_PATH: '/f' }, 'PORT = "1\\u000a2", must be an integer in 1..65535'],
    ['PLATFORM_PORT out of range', { PORT: '1', FUNCTION_PATH: '/f', PLATFORM_PORT: '0' }, 'PLATFORM_PORT = "0", must be an integer in 1..65535'],
    ['PLATFORM_PORT equal to PORT', { PORT: '1', FUNCTION_PATH: '/f', PLATFORM_PORT: '1' }, 'PLATFORM_PORT = "1", must differ from PORT'],
  ]) {
    it(`rejects ${label}`, () => {
      const { config, errors } = parseConfig(env);
      assert.equal(config, null);
      assert.deepEqual(errors, [error]);
    });
  }

  it('accepts localhost, IPv6 and a custom HANDLER', () => {
    assert.equal(parseConfig({ PORT: '1', FUNCTION_PATH: '/f', HOST: 'localhost' }).config.host, '127.0.0.1');
    assert.equal(parseConfig({ PORT: '1', FUNCTION_PATH: '/f', HOST: '::' }).config.host, '::');
    assert.equal(parseConfig({ PORT: '1', FUNCTION_PATH: '/f', HANDLER: 'src/f.mjs:default' }).config.handler, 'src/f.mjs:default');
  });
});

describe('handler spec', () => {
  for (const [spec, expected] of [
    ['index.js:handle', { file: 'index.js', exportName: 'handle' }],
    ['src/fn.mjs:default', { file: 'src/fn.mjs', exportName: 'default' }],
    ['c:/x.cjs:$h', { file: 'c:/x.cjs', exportName: '$h' }],
  ]) {
    it(`parses ${spec}`, () => assert.deepEqual(parseHandlerSpec(spec), expected));
  }

  for (const spec of ['index.js', 'index.js:', ':handle', 'index.ts:handle', 'index.js:not-an-identifier']) {
    it(`rejects ${JSON.stringify(spec)}`, () => assert.throws(() => parseHandlerSpec(spec), HandlerLoadError));
  }

  it('keeps the file inside FUNCTION_PATH', () => {
    assert.equal(resolveHandlerFile('s', '/fn', 'a/b.js'), '/fn/a/b.js');
    assert.throws(() => resolveHandlerFile('s', '/fn', '../x.js'), /must be inside FUNCTION_PATH/);
    assert.throws(() => resolveHandlerFile('s', '/fn', '/etc/x.js'), /must be relative/);
  });
});

describe('cloudevents', () => {
  it('tells binary, structured and plain requests apart', () => {
    assert.equal(ce.eventMode({ 'ce-specversion': '1.0' }), 'binary');
    assert.equal(ce.eventMode({ 'content-type': 'Application/CloudEvents+JSON; charset=utf-8' }), 'structured');
    assert.equal(ce.eventMode({ 'content-type': 'application/cloudevents-batch+json' }), null);
    assert.equal(ce.eventMode({ 'content-type': 'application/json' }), null);
  });

  for (const [label, contentType, body, data] of [
    ['JSON', 'application/json', '{"a":1}', { a: 1 }],
    ['a +json type', 'application/vnd.x+json', '[1]', [1]],
    ['text', 'text/plain; charset=utf-8', 'hi', 'hi'],
    ['bytes', 'application/octet-stream', '\x01', Buffer.from([1])],
    ['no body', 'application/json', '', null],
  ]) {
    it(`decodes binary-mode data: ${label}`, () => {
      const headers = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'content-type': contentType };
      assert.deepEqual(ce.parseEvent('binary', headers, Buffer.from(body, 'latin1')).event.data, data);
    });
  }

  it('answers an error for binary data that is not the JSON it claims to be', () => {
    const headers = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'content-type': 'application/json' };
    assert.match(ce.parseEvent('binary', headers, Buffer.from('{')).error, /not valid JSON/);
  });

  for (const [body, error] of [
    ['[]', 'The structured CloudEvent must be a JSON object'],
    ['{', /not valid JSON/],
    ['{"specversion":"1.0","id":"1","source":"/s","type":""}', 'The CloudEvent is missing the required attribute "type"'],
    ['{"specversion":"1.0","id":5,"source":"/s","type":"t"}', 'The CloudEvent attribute "id" must be a string'],
  ]) {
    it(`rejects the structured event ${body}`, () => {
      const result = ce.parseEvent('structured', {}, Buffer.from(body));
      if (typeof error === 'string') assert.equal(result.error, error);
      else assert.match(result.error, error);
    });
  }

  it('recognizes a returned event by its specversion property', () => {
    assert.equal(ce.isEvent({ specversion: '1.0' }), true);
    assert.equal(ce.isEvent({ type: 't' }), false);
    assert.equal(ce.isEvent([{ specversion: '1.0' }]), false);
    assert.equal(ce.isEvent(null), false);
  });

  it('turns a returned event into a binary-mode response', () => {
    const response = ce.toBinaryResponse({ specversion: '1.0', source: '/s', type: 't', subject: 'a b"%é', count: 3, data: 'text' }, () => 'generated');
    assert.deepEqual(response, {
      status: 200,
      headers: {
        'ce-id': 'generated', 'ce-specversion': '1.0', 'ce-source': '/s', 'ce-type': 't', 'ce-subject': 'a%20b%22%25%C3%A9', 'ce-count': '3',
        'content-type': 'text/plain; charset=utf-8',
      },
      body: Buffer.from('text'),
    });
  });

  for (const [label, event, error] of [
    ['another specversion', { specversion: '0.3', source: '/s', type: 't' }, /specversion "0.3"/],
    ['no source', { specversion: '1.0', type: 't' }, /missing the required attribute "source"/],
    ['an upper-case attribute', { specversion: '1.0', source: '/s', type: 't', MyExt: 1 }, /invalid attribute name "MyExt"/],
    ['CR/LF in datacontenttype', { specversion: '1.0', source: '/s', type: 't', datacontenttype: 'text/plain\r\nX-Evil: 1' }, /CR, LF or NUL/],
  ]) {
    it(`refuses to send a returned event with ${label}`, () => {
      assert.throws(() => ce.toBinaryResponse(event, () => 'id'), error);
    });
  }

  it('round-trips header encoding', () => {
    for (const value of ['plain', 'with space', '100%', 'quote"d', 'ünïcode ✓']) {
      assert.equal(ce.percentDecode(ce.percentEncode(value)), value);
    }
    assert.equal(ce.percentDecode('%E0%A4%A'), '%E0%A4%A');
  });
});

describe('toResponse', () => {
  for (const [label, result, status, contentType, body] of [
    ['a string', 'hi', 200, 'text/plain; charset=utf-8', 'hi'],
    ['a Buffer', Buffer.from('b'), 200, 'application/octet-stream', 'b'],
    ['a Uint8Array', new Uint8Array([0x41]), 200, 'application/octet-stream', 'A'],
    ['an object', { a: 1 }, 200, 'application/json', '{"a":1}'],
    ['an array', [1], 200, 'application/json', '[1]'],
    ['a number', 42, 200, 'application/json', '42'],
    ['an object with status and other keys', { status: 3, reason: 'x' }, 200, 'application/json', '{"status":3,"reason":"x"}'],
    ['a response', { status: 202, body: 'queued' }, 202, 'text/plain; charset=utf-8', 'queued'],
    ['a response with its own content type', { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<p>' }, 200, 'text/html', '<p>'],
    ['null', null, 204, undefined, ''],
    ['undefined', undefined, 204, undefined, ''],
  ]) {
    it(`sends ${label}`, () => {
      const response = toResponse(result);
      assert.equal(response.status, status);
      assert.equal(response.headers['content-type'], contentType);
      assert.equal(response.body.toString(), body);
    });
  }

  it('drops the framing headers a function must not set', () => {
    const response = toResponse({ status: 200, headers: { 'Content-Length': '1', Connection: 'close', 'X-A': ['1', '2'] }, body: 'abc' });
    assert.deepEqual(response.headers, { 'x-a': ['1', '2'], 'content-type': 'text/plain; charset=utf-8' });
  });

  for (const [label, result, error] of [
    ['an invalid status', { status: 99 }, /not an HTTP status code/],
    ['a header value with CR/LF', { status: 200, headers: { 'x-a': 'a\r\nb: c' } }, TypeError],
    ['an invalid header name', { status: 200, headers: { 'x a': '1' } }, TypeError],
    ['a function', () => 1, /cannot be sent as JSON/],
  ]) {
    it(`throws for ${label}`, () => assert.throws(() => toResponse(result), error));
  }

  it('builds problem bodies without stack traces', () => {
    const response = problem(504, 'late', { 'retry-after': '1' });
    assert.equal(response.headers['content-type'], 'application/problem+json');
    assert.equal(response.headers['retry-after'], '1');
    assert.deepEqual(JSON.parse(response.body), { title: 'Gateway Timeout', status: 504, detail: 'late' });
  });

  for (const [label, err, detail] of [
    ['a TypeError', new TypeError('x'), 'TypeError: x'],
    ['a subclass without a name', new (class MyError extends Error {})('y'), 'MyError: y'],
    ['a thrown string', 'plain', 'Error: plain'],
  ]) {
    it(`describes ${label}`, () => assert.equal(describeError(err), detail));
  }
});

describe('request', () => {
  for (const [target, expected] of [
    ['/a/b?x=1', { path: '/a/b', search: 'x=1' }],
    ['//double', { path: '//double', search: '' }],
    ['http://host:1/p?q', { path: '/p', search: 'q' }],
    ['*', { path: '*', search: '' }],
  ]) {
    it(`splits ${target}`, () => assert.deepEqual(splitTarget(target), expected));
  }

  it('keeps the first value of a repeated query name and ignores __proto__ tricks', () => {
    const request = createRequest({ method: 'GET', target: '/?a=1&a=2&__proto__=x', headers: {}, body: Buffer.alloc(0), event: null, signal: null });
    assert.equal(request.query.a, '1');
    assert.equal(Object.getPrototypeOf(request.query), Object.prototype);
    assert.equal(request.query.__proto__, 'x'); // eslint-disable-line no-proto
    assert.deepEqual(request.searchParams.getAll('a'), ['1', '2']);
  });

  it('throws a 400 RequestError from json() for a body that is not JSON', () => {
    const request = createRequest({ method: 'POST', target: '/', headers: {}, body: Buffer.from('{'), event: null, signal: null });
    assert.throws(() => request.json(), (err) => err instanceof RequestError && err.status === 400);
  });
});

describe('ConcurrencyLimiter', () => {
  it('admits up to its limit and resolves whenIdle on the last release', async () => {
    const limiter = new ConcurrencyLimiter(2);
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), false);
    let idle = false;
    const whenIdle = limiter.whenIdle().then(() => { idle = true; });
    limiter.release();
    await Promise.resolve();
    assert.equal(idle, false);
    limiter.release();
    await whenIdle;
    assert.equal(idle, true);
    assert.throws(() => limiter.release(), /more often/);
  });

  it('is unlimited at 0', () => {
    const limiter = new ConcurrencyLimiter(0);
    for (let i = 0; i < 1000; i++) assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.inFlight, 1000);
  });
});

describe('RuntimeMetrics', () => {
  it('renders cumulative buckets', () => {
    const metrics = new RuntimeMetrics({ inFlight: 2 });
    metrics.record(200, 0.004);
    metrics.record(200, 0.3);
    metrics.record(504, 12);
    const text = metrics.render();
    for (const line of [
      'serverless_runtime_requests_total{code="200"} 2',
      'serverless_runtime_requests_total{code="504"} 1',
      'serverless_runtime_in_flight 2',
      'serverless_runtime_request_duration_seconds_bucket{le="0.005"} 1',
      'serverless_runtime_request_duration_seconds_bucket{le="0.25"} 1',
      'serverless_runtime_request_duration_seconds_bucket{le="0.5"} 2',
      'serverless_runtime_request_duration_seconds_bucket{le="10"} 2',
      'serverless_runtime_request_duration_seconds_bucket{le="+Inf"} 3',
      'serverless_runtime_request_duration_seconds_count 3',
    ]) {
      assert.ok(text.split('\n').includes(line), `missing ${line} in\n${text}`);
    }
  });
});

describe('quote', () => {
  it('escapes control characters and cuts long values', () => {
    assert.equal(quote('a"b\\c\nd'), '"a\\"b\\\\c\\u000ad"');
    assert.equal(quote('x'.repeat(250)), `"${'x'.repeat(200)}"...`);
  });
});
