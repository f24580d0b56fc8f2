'use strict';

// Pure conversions from what a handler returns (or what went wrong) to { status, headers, body }.
// headers is an object of lower-case names; body is always a Buffer.

const http = require('node:http');

const RESPONSE_KEYS = new Set(['status', 'headers', 'body']);
/** Framing headers the runtime owns: a handler setting them would desynchronize the connection. */
const OWNED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The rules (runtimes/README.md):
 * - null or undefined: 204 No Content
 * - string: 200 text/plain; charset=utf-8
 * - Buffer, typed array or ArrayBuffer: 200 application/octet-stream
 * - { status, headers?, body? } (an integer status and no other keys): that response; its body follows these rules
 * - anything else (objects, arrays, numbers, booleans): 200 application/json
 * Throws TypeError for what cannot be sent (an invalid status or header, a value JSON cannot represent).
 */
function toResponse(result) {
  if (isResponseShape(result)) {
    const status = result.status;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new TypeError(`the returned status ${status} is not an HTTP status code in 200..599`);
    }
    const headers = normalizeHeaders(result.headers);
    const { body, contentType } = encodeBody(result.body);
    if (contentType !== undefined && headers['content-type'] === undefined) headers['content-type'] = contentType;
    return { status, headers, body: allowsBody(status) ? body : Buffer.alloc(0) };
  }
  if (result === null || result === undefined) return { status: 204, headers: {}, body: Buffer.alloc(0) };
  const { body, contentType } = encodeBody(result);
  return { status: 200, headers: { 'content-type': contentType }, body };
}

/** An object is a response when its status is a number and it has no keys beyond status, headers and body. */
function isResponseShape(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const keys = Object.keys(value);
  return typeof value.status === 'number' && keys.every((key) => RESPONSE_KEYS.has(key));
}

function encodeBody(value) {
  if (value === null || value === undefined) return { body: Buffer.alloc(0), contentType: undefined };
  if (typeof value === 'string') return { body: Buffer.from(value, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  if (Buffer.isBuffer(value)) return { body: value, contentType: 'application/octet-stream' };
  if (ArrayBuffer.isView(value)) return { body: Buffer.from(value.buffer, value.byteOffset, value.byteLength), contentType: 'application/octet-stream' };
  if (value instanceof ArrayBuffer) return { body: Buffer.from(value), contentType: 'application/octet-stream' };
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`the handler returned a ${typeof value}, which cannot be sent as JSON`);
  return { body: Buffer.from(json, 'utf8'), contentType: 'application/json' };
}

function normalizeHeaders(headers) {
  const out = {};
  if (headers === undefined || headers === null) return out;
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new TypeError('the returned headers must be an object of name: value');
  }
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (OWNED_HEADERS.has(lower) || value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value.map(String) : String(value);
    // Throws a TypeError naming the header for invalid names and CR/LF in values (response splitting).
    http.validateHeaderName(name);
    for (const v of [].concat(values)) http.validateHeaderValue(name, v);
    out[lower] = values;
  }
  return out;
}

/** An RFC 7807 problem response for failures the runtime itself reports; never includes a stack trace. */
/** instance, when given, names this occurrence as the log does (RFC 7807's "instance"). */
function problem(status, detail, headers = {}, instance = undefined) {
  const members = { title: http.STATUS_CODES[status] ?? 'Error', status, detail };
  if (instance !== undefined) members.instance = instance;
  const body = Buffer.from(JSON.stringify(members), 'utf8');
  return { status, headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE }, body };
}

/** "<ErrorType>: <message>" for a thrown value, the detail of a 500. */
function describeError(err) {
  if (err instanceof Error) {
    // A subclass that does not set name (class MyError extends Error {}) is still named by its constructor.
    const ctor = err.constructor && err.constructor.name;
    const type = err.name && err.name !== 'Error' ? err.name : ctor || 'Error';
    return `${type}: ${err.message}`;
  }
  return `Error: ${String(err)}`;
}

function allowsBody(status) {
  return status !== 204 && status !== 304;
}

module.exports = { toResponse, problem, describeError, allowsBody, PROBLEM_CONTENT_TYPE };
