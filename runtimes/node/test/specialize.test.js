'use strict';

// Generic mode (FUNCTION_GENERIC=1) and POST /specialize, against the runtime as a real child process.

const { describe, it, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startRuntime, request, eventually, FUNCTIONS } = require('../testdata/harness');
const { authorized, parseRequest } = require('../lib/specialize');

const TOKEN = 't0ken-of-this-instance';
const ECHO = { functionPath: path.resolve(FUNCTIONS, 'echo'), handler: 'index.js:handle', env: { K_SERVICE: 'hello', PORT: '1' } };

async function generic(env = {}) {
  const runtime = await startRuntime({ env: { FUNCTION_GENERIC: '1', SPECIALIZE_TOKEN: TOKEN, FUNCTION_PATH: '', HANDLER: '', ...env }, waitReady: false });
  await eventually(async () => {
    try {
      return (await request(runtime.platformPort, { path: '/healthz', timeoutMs: 1000 })).status === 200;
    } catch {
      return false;
    }
  }, { timeoutMs: 10_000, what: 'generic runtime listening' });
  return runtime;
}

function specialize(port, body, token = TOKEN) {
  const headers = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return request(port, { method: 'POST', path: '/specialize', headers, body: JSON.stringify(body) });
}

describe('generic mode', () => {
  let runtime;
  afterEach(async () => runtime && runtime.stop());

  it('answers 503 on the public port and "generic" on /readyz until specialized, then serves the function', async () => {
    runtime = await generic();
    assert.equal((await request(runtime.port)).status, 503);
    const readyz = await request(runtime.platformPort, { path: '/readyz' });
    assert.deepEqual([readyz.status, readyz.body.toString()], [503, 'generic']);

    const reply = await specialize(runtime.platformPort, ECHO);
    assert.equal(reply.status, 200, reply.body.toString());
    assert.equal((await request(runtime.platformPort, { path: '/readyz' })).status, 200);
    assert.equal((await request(runtime.port, { path: '/?name=pool' })).status, 200);
    assert.match((await request(runtime.platformPort, { path: '/metrics' })).body.toString(), /function="hello"/);
    assert.equal((await specialize(runtime.platformPort, ECHO)).status, 409);
  });

  it('gives the function its env, and neither the token nor the generic flag', async () => {
    runtime = await generic();
    const body = { functionPath: path.resolve(FUNCTIONS, 'env-probe'), handler: 'index.js:handle', env: { GREETING: 'hi', K_SERVICE: 'hello' } };
    assert.equal((await specialize(runtime.platformPort, body)).status, 200);
    const reply = await request(runtime.port, { path: '/?name=GREETING&name=K_SERVICE&name=SPECIALIZE_TOKEN&name=FUNCTION_GENERIC' });
    assert.deepEqual(JSON.parse(reply.body.toString()), { GREETING: 'hi', K_SERVICE: 'hello', SPECIALIZE_TOKEN: null, FUNCTION_GENERIC: null });
  });

  it('takes the locale from the environment it started with, not from a specialization (so LANG and LC_* skip the pool)', async () => {
    const german = { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
    runtime = await startRuntime({ fn: 'locale-probe', env: german });
    assert.equal((await request(runtime.port)).body.toString(), 'de-DE 1.234,5');
    await runtime.stop();

    runtime = await generic({ LANG: 'C.UTF-8', LC_ALL: undefined, LC_NUMERIC: undefined, LANGUAGE: undefined });
    const body = { functionPath: path.resolve(FUNCTIONS, 'locale-probe'), handler: 'index.js:handle', env: german };
    assert.equal((await specialize(runtime.platformPort, body)).status, 200);
    const reply = await request(runtime.port);
    assert.equal(reply.status, 200);
    assert.notEqual(reply.body.toString(), 'de-DE 1.234,5');
  });

  it('refuses a specialization without or with a wrong token (401), and on the public port it is no specialization', async () => {
    runtime = await generic();
    assert.equal((await specialize(runtime.platformPort, ECHO, null)).status, 401);
    assert.equal((await specialize(runtime.platformPort, ECHO, TOKEN + 'x')).status, 401);
    assert.equal((await specialize(runtime.port, ECHO)).status, 503);
    assert.equal((await request(runtime.platformPort, { path: '/readyz' })).status, 503);
  });

  it('answers 422 with the load error for a bad handler, and a good one may follow', async () => {
    runtime = await generic();
    const bad = await specialize(runtime.platformPort, { ...ECHO, handler: 'index.js:nope' });
    assert.equal(bad.status, 422);
    assert.match(bad.body.toString(), /nope/);
    const throws = await specialize(runtime.platformPort, { ...ECHO, functionPath: path.resolve(FUNCTIONS, 'throws-on-load') });
    assert.equal(throws.status, 422);
    assert.equal((await specialize(runtime.platformPort, ECHO)).status, 200);
  });
});

describe('specialize units', () => {
  it('authorized', () => {
    const cases = [['Bearer abc', 'abc', true], ['Bearer abd', 'abc', false], ['abc', 'abc', false],
      [undefined, 'abc', false], ['Bearer ', '', false], ['Bearer abc ', 'abc', false]];
    for (const [header, token, expected] of cases) assert.equal(authorized(header, token), expected, `${header} / ${token}`);
  });

  it('parseRequest', () => {
    const cases = [
      ['{"functionPath": "/f", "handler": "m:h", "env": {"A": "1", "PORT": "9", "SPECIALIZE_TOKEN": "x"}}', { env: { A: '1', FUNCTION_PATH: '/f', HANDLER: 'm:h' } }],
      ['{"functionPath": "/f"}', { env: { FUNCTION_PATH: '/f' } }],
      ['{"handler": "m:h"}', /functionPath/],
      ['{"functionPath": "/f", "env": {"A": 1}}', /env/],
      ['[1]', /JSON object/],
      ['nope', /not JSON/],
    ];
    for (const [body, expected] of cases) {
      const result = parseRequest(Buffer.from(body));
      if (expected instanceof RegExp) assert.match(result.error, expected, body);
      else assert.deepEqual(result, expected, body);
    }
  });
});

describe('signed specialization (Kubernetes pools)', () => {
  const crypto = require('node:crypto');
  const { authorizer, signedMessage } = require('../lib/specialize');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
  const sign = (uid, body) => `Signature ${crypto.sign('sha256', signedMessage(uid, body), privateKey).toString('base64')}`;

  it('accepts only the platform\'s signature for this pod and this body', () => {
    const { authorize, error } = authorizer({ SPECIALIZE_KEY: jwk, SPECIALIZE_POD_UID: 'uid-a' });
    assert.equal(error, undefined);
    const body = Buffer.from('{"functionPath": "/function"}');
    const good = sign('uid-a', body);
    const cases = [
      ['the platform\'s signature for this pod and body', good, body, true],
      ['another pod\'s signature', sign('uid-b', body), body, false],
      ['another body', good, Buffer.from('{"functionPath": "/other"}'), false],
      ['the signature as a bearer token', `Bearer ${good.slice('Signature '.length)}`, body, false],
      ['not base64', 'Signature !!!', body, false],
      ['no header', undefined, body, false],
    ];
    for (const [name, header, requestBody, expected] of cases) assert.equal(authorize(header, requestBody), expected, name);
  });

  it('refuses settings it cannot check with', () => {
    const cases = [
      ['key without uid', { SPECIALIZE_KEY: jwk }, /SPECIALIZE_POD_UID is required/],
      ['not a JWK', { SPECIALIZE_KEY: '{}', SPECIALIZE_POD_UID: 'u' }, /RSA JWK/],
      ['nothing', {}, /SPECIALIZE_TOKEN \(or SPECIALIZE_KEY and SPECIALIZE_POD_UID\)/],
    ];
    for (const [name, env, expected] of cases) {
      const { authorize, error } = authorizer(env);
      assert.equal(authorize, undefined, name);
      assert.match(error, expected, name);
    }
  });
});
