'use strict';

/** A failure the caller caused (e.g. request.json() on a body that is not JSON): answered with its status, not 500. */
class RequestError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
  }
}

/**
 * Splits a request target into { path, search }. The path stays as sent (percent-encoded); an
 * absolute-form target ("http://host/p?q") is reduced to its path. Pure.
 */
function splitTarget(target) {
  if (!target.startsWith('/')) {
    // Absolute form, sent to proxies; origin-form targets are split by hand because URL would read "//x" as a host.
    const url = URL.canParse(target) ? new URL(target) : null;
    return url ? { path: url.pathname, search: url.search.slice(1) } : { path: target, search: '' };
  }
  const q = target.indexOf('?');
  return q < 0 ? { path: target, search: '' } : { path: target.slice(0, q), search: target.slice(q + 1) };
}

/**
 * The object handed to the function:
 * - method: "GET", ...; path: the path without the query, as sent (not percent-decoded)
 * - query: { name: first value } as strings; searchParams: the URLSearchParams, for repeated names (getAll)
 * - headers: Node's lower-case header object (repeated headers joined with ", ", set-cookie an array)
 * - body: Buffer (empty when there is none); text(): UTF-8; json(): parsed, or a 400 if not JSON
 * - event: the CloudEvent when the request is one (see cloudevents.js), else null
 * - signal: an AbortSignal aborted when the function times out or the caller goes away
 */
function createRequest({ method, target, headers, body, event, signal }) {
  const { path, search } = splitTarget(target);
  const searchParams = new URLSearchParams(search);
  const query = {};
  for (const [name, value] of searchParams) {
    // defineProperty, not assignment: "?__proto__=x" must not replace the object's prototype.
    if (!Object.hasOwn(query, name)) Object.defineProperty(query, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return {
    method,
    path,
    query,
    searchParams,
    headers,
    body,
    event,
    signal,
    text() {
      return body.toString('utf8');
    },
    json() {
      try {
        return JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new RequestError(400, `The request body is not valid JSON: ${err.message}`);
      }
    },
  };
}

module.exports = { createRequest, splitTarget, RequestError };
