'use strict';

// Generic mode (FUNCTION_GENERIC=1): a warm runtime without a function, specialized once by the platform with
// POST /specialize on the private PLATFORM_PORT, carrying the token it gave the process at spawn (SPECIALIZE_TOKEN),
// or on Kubernetes signed for this one pod with the platform's key (SPECIALIZE_KEY, SPECIALIZE_POD_UID: see signed()).
// The body names the function (functionPath, handler) and its environment (env). The runtime validates that
// environment as it would at start, loads the handler, and only then serves it: 200, or 422 with the load error,
// 409 once specialized. A specialized process never goes back to generic (the platform drains and kills it).

const crypto = require('node:crypto');
const { parseConfig } = require('./config');
const { loadHandler, HandlerLoadError } = require('./loader');
const { ConcurrencyLimiter } = require('./limiter');
const { RuntimeMetrics } = require('./metrics');
const { ArtifactError, parseArtifact, unpack } = require('./artifact');

const GENERIC = 'FUNCTION_GENERIC';
const TOKEN = 'SPECIALIZE_TOKEN';
const KEY = 'SPECIALIZE_KEY';
const POD_UID = 'SPECIALIZE_POD_UID';
const SIGNATURE_CONTEXT = 'serverless-specialize-v1';
/** Generic mode's own variables: never taken from a body, and gone from the environment once specialized. */
const SECRET = [GENERIC, TOKEN, KEY, POD_UID];
/** Kept from the process's own environment whatever the body says: they are how the platform reaches this process. */
const PINNED = new Set(['PORT', 'PLATFORM_PORT', 'HOST', ...SECRET]);

function isGeneric(env) {
  return ['1', 'true'].includes((env[GENERIC] ?? '').trim().toLowerCase());
}

/** Whether the Authorization header is `Bearer <token>`; compared in constant time (of equal-length digests). Pure. */
function authorized(header, token) {
  if (!token || typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const digest = (s) => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(digest(header.slice('Bearer '.length)), digest(token));
}

/** What the platform signs for one specialization of one pod: the pod's uid and the body's SHA-256. Pure. */
function signedMessage(podUid, body) {
  return Buffer.from(`${SIGNATURE_CONTEXT}\n${podUid}\n${crypto.createHash('sha256').update(body).digest('hex')}`, 'utf8');
}

/** The platform's public key from SPECIALIZE_KEY (an RSA JWK): { key } or { error }. */
function parseKey(text) {
  try {
    const jwk = JSON.parse(text);
    if (jwk === null || typeof jwk !== 'object' || jwk.kty !== 'RSA') return { error: `${KEY} must be an RSA JWK` };
    const key = crypto.createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    if (key.asymmetricKeyDetails.modulusLength < 2048) return { error: `${KEY} must be an RSA key of at least 2048 bits` };
    return { key };
  } catch (err) {
    return { error: `${KEY} is not an RSA JWK: ${err.message}` };
  }
}

/**
 * Whether the Authorization header is `Signature <base64>`: RSASSA-PKCS1-v1_5 with SHA-256 by the platform's key over
 * signedMessage() for this pod. The pod holds the public key only, so a function that reads everything in its pod
 * cannot sign; a signature names one pod's uid, so it is useless on any other; a pod is specialized once (409 after).
 */
function signed(header, body, key, podUid) {
  if (!podUid || typeof header !== 'string' || !header.startsWith('Signature ')) return false;
  const text = header.slice('Signature '.length).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false;
  try {
    return crypto.verify('sha256', signedMessage(podUid, body), { key, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(text, 'base64'));
  } catch {
    return false;
  }
}

/**
 * How this process checks a specialization: a signature for this pod (SPECIALIZE_KEY and SPECIALIZE_POD_UID, Kubernetes
 * pools) or the token it was given (SPECIALIZE_TOKEN, local pools). { authorize(header, body) } or { error }.
 */
function authorizer(env) {
  const keyText = (env[KEY] ?? '').trim();
  const podUid = (env[POD_UID] ?? '').trim();
  if (keyText) {
    if (!podUid) return { error: `${POD_UID} is required with ${KEY}` };
    const { key, error } = parseKey(keyText);
    if (!key) return { error };
    return { authorize: (header, body) => signed(header, body, key, podUid) };
  }
  const token = (env[TOKEN] ?? '').trim();
  if (!token) return { error: `${TOKEN} (or ${KEY} and ${POD_UID}) and PLATFORM_PORT are required in generic mode (FUNCTION_GENERIC)` };
  return { authorize: (header) => authorized(header, token) };
}

/** { env } to apply, or { error }. Pure. */
function parseRequest(body) {
  let document;
  try {
    document = JSON.parse(body.length ? body.toString('utf8') : 'null');
  } catch (err) {
    return { error: `the body is not JSON: ${err.message}` };
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { error: 'the body must be a JSON object with functionPath, handler and env' };
  }
  const { functionPath, handler = '', env = {} } = document;
  if (typeof functionPath !== 'string' || !functionPath.trim()) return { error: 'functionPath is required (a directory)' };
  if (typeof handler !== 'string') return { error: 'handler must be a string' };
  if (env === null || typeof env !== 'object' || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string')) {
    return { error: 'env must be an object of string values' };
  }
  const applied = Object.fromEntries(Object.entries(env).filter(([k]) => !PINNED.has(k)));
  applied.FUNCTION_PATH = functionPath;
  if (handler.trim()) applied.HANDLER = handler;
  const { artifact, error } = parseArtifact(document);
  if (error) return { error };
  return artifact ? { env: applied, artifact } : { env: applied };
}

/**
 * Turns the generic runtime's shared deps ({ config, handler, limiter, metrics, readiness }) into the function's,
 * once. One specialization at a time.
 */
class Specializer {
  #deps;
  #authorize;
  #busy = false;

  /** authorize(header, body): see authorizer(). */
  constructor(deps, authorize) {
    this.#deps = deps;
    this.#authorize = authorize;
  }

  /** Resolves to { status, text } for one POST /specialize. */
  async handle(authorization, body) {
    if (!this.#authorize(authorization, body)) {
      return { status: 401, text: 'a specialization needs the instance\'s token (Authorization: Bearer <SPECIALIZE_TOKEN>) or the platform\'s signature for this pod' };
    }
    const { env, artifact, error } = parseRequest(body);
    if (!env) return { status: 400, text: error };
    const deps = this.#deps;
    if (deps.handler) return { status: 409, text: `already specialized as ${deps.handler.name}` };
    if (this.#busy) return { status: 409, text: 'a specialization is under way' };
    this.#busy = true;
    try {
      if (artifact) {
        try {
          unpack(artifact, env.FUNCTION_PATH);
        } catch (err) {
          if (!(err instanceof ArtifactError)) throw err;
          return { status: 422, text: err.message };
        }
      }
      const merged = { ...process.env, ...env };
      for (const name of SECRET) delete merged[name];
      const { config, errors } = parseConfig(merged);
      if (!config) return { status: 422, text: errors.join('; ') };
      let handler;
      try {
        handler = await loadHandler(config.functionPath, config.handler);
      } catch (err) {
        if (!(err instanceof HandlerLoadError)) throw err;
        return { status: 422, text: err.message };
      }
      // The function sees its own environment, as if it had been started with it; the token leaves it.
      for (const name of SECRET) delete process.env[name];
      Object.assign(process.env, env);
      deps.limiter = new ConcurrencyLimiter(config.containerConcurrency);
      deps.metrics = new RuntimeMetrics(deps.limiter, config.metricLabels);
      deps.config = config;
      deps.handler = handler; // last: a request that sees the handler sees everything it needs
      deps.readiness.markReady();
      return { status: 200, text: `specialized as ${handler.name}` };
    } finally {
      this.#busy = false;
    }
  }
}

module.exports = { GENERIC, TOKEN, KEY, POD_UID, Specializer, authorized, authorizer, isGeneric, parseRequest, signed, signedMessage };
