'use strict';

// Generic mode (FUNCTION_GENERIC=1): a warm runtime without a function, specialized once by the platform with
// POST /specialize on the private PLATFORM_PORT, carrying the token it gave the process at spawn (SPECIALIZE_TOKEN).
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
/** Kept from the process's own environment whatever the body says: they are how the platform reaches this process. */
const PINNED = new Set(['PORT', 'PLATFORM_PORT', 'HOST', GENERIC, TOKEN]);

function isGeneric(env) {
  return ['1', 'true'].includes((env[GENERIC] ?? '').trim().toLowerCase());
}

/** Whether the Authorization header is `Bearer <token>`; compared in constant time (of equal-length digests). Pure. */
function authorized(header, token) {
  if (!token || typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const digest = (s) => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(digest(header.slice('Bearer '.length)), digest(token));
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
  #token;
  #busy = false;

  constructor(deps, token) {
    this.#deps = deps;
    this.#token = token;
  }

  /** Resolves to { status, text } for one POST /specialize. */
  async handle(authorization, body) {
    if (!authorized(authorization, this.#token)) {
      return { status: 401, text: 'a specialization needs the instance\'s token: Authorization: Bearer <SPECIALIZE_TOKEN>' };
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
      delete merged[GENERIC];
      delete merged[TOKEN];
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
      delete process.env[TOKEN];
      delete process.env[GENERIC];
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

module.exports = { GENERIC, TOKEN, Specializer, authorized, isGeneric, parseRequest };
