'use strict';

// The HTTP shell around the pure modules: the platform's endpoints on their own port (createPlatformServer), and on
// the public port one invocation per request, whatever the path:
// 413 on a declared body past the limit, 429 past the concurrency limit, the body read (413 while
// reading a chunked one), the CloudEvent parsed (400), the function under FUNCTION_TIMEOUT (504),
// its result or failure turned into a response (500), and the metrics recorded.

const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { eventMode, parseEvent, isEvent, toBinaryResponse } = require('./cloudevents');
const { createRequest, splitTarget, RequestError } = require('./request');
const { toResponse, problem, describeError, allowsBody } = require('./responses');

// Marks the runtime's own 429 (the runtime contract): the activator retries only a 429 so marked, on another
// instance, and passes a function's own 429 to the client untouched.
const REJECTED_HEADER = 'x-serverless-rejected';

const HANDLER_FAILED_DETAIL = "The function failed. Its log has the error under this problem's instance.";

/**
 * Idle keep-alive connections are kept this long: longer than the 60 s after which .NET's pooled
 * connections (the activator's proxy) are retired, so the client, not the runtime, closes an idle
 * connection and never sends a request on one that is being closed.
 */
const KEEP_ALIVE_TIMEOUT_MS = 75_000;

/**
 * After answering without reading the whole body (413, 429), Node discards the rest so the connection
 * can be reused and the caller, still sending, reads the answer instead of a reset. Past this many
 * bytes, closing the connection is cheaper.
 */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

/** nginx's "client closed request": the metric label when the caller went away before the answer. */
const CLIENT_CLOSED_REQUEST = 499;

const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

class BodyTooLargeError extends Error {}
class CallerGoneError extends Error {}

/**
 * The runtime's http.Server on PORT, not yet listening: every path and method invokes the function.
 * deps: { config, handler: { name, fn }, limiter, metrics, readiness, log }
 */
function createRuntimeServer(deps) {
  const server = http.createServer((req, res) => dispatch(deps, req, res));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  // Expect: 100-continue lets a body that is too large be refused before it is sent: no 100 Continue then.
  server.on('checkContinue', (req, res) => {
    if (declaredLength(req) <= deps.config.maxRequestBodyBytes) res.writeContinue();
    dispatch(deps, req, res);
  });
  return server;
}

/**
 * The server on PLATFORM_PORT, not yet listening: /healthz, /readyz and /metrics for the platform's prober and
 * Prometheus, 404 for anything else. The ingress never routes here, so none of these paths is taken from the function.
 * deps: { readiness, metrics }
 */
function createPlatformServer(deps, specializer = null) {
  const { readiness } = deps;
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') return specialize(specializer, req, res);
    switch (splitTarget(req.url).path) {
      case '/healthz':
        return writeText(res, 200, 'ok');
      case '/readyz':
        return readiness.phase === 'ready' ? writeText(res, 200, 'ready') : writeText(res, 503, readiness.phase);
      case '/metrics':
        // deps.metrics, read now: a specialization replaces it.
        return writeText(res, 200, deps.metrics.render(), PROMETHEUS_CONTENT_TYPE);
      default:
        return writeText(res, 404, 'not found: the platform port serves /healthz, /readyz and /metrics');
    }
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

// A specialization carries a path, a handler and the function's env, and on Kubernetes an artifact: a ConfigMap's binaryData (at most 1 MiB) base64-encoded, so 4/3 of that, plus the rest.
const SPECIALIZE_BODY_LIMIT = 2 * 1024 * 1024;

/** POST on the platform port: /specialize in generic mode, else 404. */
function specialize(specializer, req, res) {
  if (splitTarget(req.url).path !== '/specialize' || !specializer) {
    return writeText(res, 404, 'not found: the platform port serves POST /specialize only in generic mode (FUNCTION_GENERIC)');
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= SPECIALIZE_BODY_LIMIT) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > SPECIALIZE_BODY_LIMIT) return writeText(res, 413, `a specialization request is at most ${SPECIALIZE_BODY_LIMIT} bytes`);
    specializer.handle(req.headers.authorization, Buffer.concat(chunks)).then(
      ({ status, text }) => writeText(res, status, text),
      (err) => writeText(res, 500, `specialization failed: ${err && err.message}`));
  });
}

function dispatch(deps, req, res) {
  const { readiness, log } = deps;
  // While draining, every answer closes its connection so that pooled connections move to other instances.
  if (readiness.phase === 'draining') res.setHeader('connection', 'close');
  return invoke(deps, req, res).catch((err) => {
    // A bug in the runtime itself, not the function: never leave the caller hanging.
    log.error(`internal error while answering ${req.method} ${req.url}: ${err && err.stack}`);
    if (res.headersSent) return res.destroy();
    return send(res, problem(500, 'The runtime failed to answer the request.'), Promise.resolve()).catch(() => res.destroy());
  });
}

async function invoke(deps, req, res) {
  const started = process.hrtime.bigint();
  let status = 500;
  try {
    status = await invokeCore(deps, req, res);
  } finally {
    deps.metrics.record(status, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/** Resolves to the status code recorded in the metrics. */
async function invokeCore(deps, req, res) {
  const { config, limiter, log } = deps;
  const closed = new Promise((resolve) => res.once('close', resolve));

  if (!deps.handler) {
    // A generic instance (FUNCTION_GENERIC) the platform has not specialized: the activator never routes here.
    return send(res, problem(503, 'This instance has no function yet: it is waiting to be specialized.', { 'retry-after': '1' }), closed);
  }

  const declared = declaredLength(req);
  if (declared > config.maxRequestBodyBytes) {
    log.info(`refused a ${declared}-byte body (MAX_REQUEST_BODY_BYTES ${config.maxRequestBodyBytes})`);
    const tooLarge = problem(413, `The request body is ${declared} bytes; this function accepts at most ${config.maxRequestBodyBytes} bytes.`);
    // A caller waiting for 100 Continue sends no body; past the discard limit reading it is not worth it.
    if (req.headers.expect !== undefined || declared > DISCARD_LIMIT_BYTES) tooLarge.headers.connection = 'close';
    return send(res, tooLarge, closed);
  }

  if (!limiter.tryAcquire()) {
    log.info(`refused a request: ${limiter.inFlight} in flight, CONTAINER_CONCURRENCY ${limiter.limit}`);
    return send(res, problem(429, `The function is at its concurrency limit of ${limiter.limit} request(s) in flight.`, { 'retry-after': '1', [REJECTED_HEADER]: 'concurrency' }), closed);
  }
  try {
    return await invokeAdmitted(deps, req, res, closed);
  } finally {
    // After the answer is flushed (closed), so that a drain never exits with a response half written.
    limiter.release();
  }
}

async function invokeAdmitted(deps, req, res, closed) {
  const { config, handler, log } = deps;
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new DOMException('The caller closed the connection', 'AbortError'));
  });

  let body;
  try {
    body = await readBody(req, config.maxRequestBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      log.info(`refused a chunked body past ${config.maxRequestBodyBytes} bytes (MAX_REQUEST_BODY_BYTES)`);
      return send(res, problem(413, `The request body exceeds the limit of ${config.maxRequestBodyBytes} bytes.`), closed);
    }
    if (err instanceof CallerGoneError) return CLIENT_CLOSED_REQUEST;
    throw err;
  }

  let event = null;
  const mode = eventMode(req.headers);
  if (mode !== null) {
    const parsed = parseEvent(mode, req.headers, body);
    if (parsed.error) {
      log.info(`refused a CloudEvent: ${parsed.error}`);
      return send(res, problem(400, parsed.error), closed);
    }
    event = parsed.event;
  }

  const request = createRequest({ method: req.method, target: req.url, headers: req.headers, body, event, signal: abort.signal });
  const outcome = await runWithTimeout(() => handler.fn(request), config.timeoutSeconds * 1000, abort, (err) =>
    log.warn(`handler ${handler.name} failed after its timeout: ${err && err.stack ? err.stack : err}`));
  return send(res, toHttpResponse(deps, outcome), closed);
}

/** The answer for a handler outcome: its result, or a problem for a timeout or a failure. */
function toHttpResponse({ config, handler, log }, outcome) {
  if (outcome.kind === 'timeout') {
    log.warn(`handler ${handler.name} did not answer within FUNCTION_TIMEOUT ${config.timeoutSeconds} s; answered 504, it may still be running`);
    return problem(504, `The function did not answer within its timeout of ${config.timeoutSeconds} s.`);
  }
  if (outcome.kind === 'error') {
    if (outcome.error instanceof RequestError) return problem(outcome.error.status, outcome.error.message);
    // The error's text stays in the log unless the function opts in (FUNCTION_DEBUG): a message can carry what the
    // caller must not see. The caller gets the id to find it by.
    const instance = `urn:uuid:${randomUUID()}`;
    log.error(`handler ${handler.name} failed (${instance}): ${outcome.error && outcome.error.stack ? outcome.error.stack : outcome.error}`);
    return problem(500, config.debug ? describeError(outcome.error) : HANDLER_FAILED_DETAIL, {}, instance);
  }
  try {
    return isEvent(outcome.value) ? toBinaryResponse(outcome.value, randomUUID) : toResponse(outcome.value);
  } catch (err) {
    log.error(`handler ${handler.name} returned a value that cannot be sent: ${err.message}`);
    return problem(500, describeError(err));
  }
}

/**
 * Runs fn under a deadline: { kind: 'value', value }, { kind: 'error', error } or { kind: 'timeout' }.
 * At the deadline the signal is aborted and the answer is given; the function's promise cannot be
 * stopped and may go on in the background (its later failure goes to onLateFailure). A function that
 * blocks the event loop synchronously cannot be interrupted at all: the timer fires after it returns.
 */
function runWithTimeout(fn, timeoutMs, abort, onLateFailure) {
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort(new DOMException(`FUNCTION_TIMEOUT of ${timeoutMs / 1000} s reached`, 'TimeoutError'));
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    Promise.resolve()
      .then(fn)
      .then(
        (value) => {
          clearTimeout(timer);
          resolve({ kind: 'value', value });
        },
        (error) => {
          clearTimeout(timer);
          if (timedOut) onLateFailure(error);
          resolve({ kind: 'error', error });
        },
      );
  });
}

/**
 * Reads the whole body into a Buffer. Past maxBytes it rejects with BodyTooLargeError but keeps
 * discarding what follows (up to DISCARD_LIMIT_BYTES, then the connection is cut), so that the caller
 * can read the 413 and the connection stays usable.
 */
function readBody(req, maxBytes) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (overflow) {
        if (size > maxBytes + DISCARD_LIMIT_BYTES) req.socket.destroy();
        return;
      }
      if (size > maxBytes) {
        overflow = true;
        chunks.length = 0;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new CallerGoneError()));
    req.on('close', () => {
      if (!req.complete) reject(new CallerGoneError());
    });
  });
}

/** Writes a response; resolves, once it is flushed, to its status, or 499 when the caller went away first. */
async function send(res, response, closed) {
  if (res.destroyed) return CLIENT_CLOSED_REQUEST;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (allowsBody(response.status)) res.setHeader('content-length', response.body.length);
  res.end(response.body);
  await closed;
  return res.writableFinished ? response.status : CLIENT_CLOSED_REQUEST;
}

function writeText(res, status, text, contentType = 'text/plain; charset=utf-8') {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.length });
  res.end(body);
}

/** The declared Content-Length, or 0 (Node's parser has already rejected malformed values). */
function declaredLength(req) {
  const value = req.headers['content-length'];
  return value === undefined ? 0 : Number(value);
}

module.exports = { createRuntimeServer, createPlatformServer, runWithTimeout, KEEP_ALIVE_TIMEOUT_MS, CLIENT_CLOSED_REQUEST };
