'use strict';

/**
 * An HTTP function. request: { method, path, query, searchParams, headers, body (Buffer), text(), json(), event, signal }.
 * Return a string (text/plain), a Buffer, an object (JSON), null (204) or { status, headers, body }.
 * Throwing answers 500; taking longer than timeoutSeconds answers 504 (request.signal is then aborted).
 */
exports.handle = async (request) => {
  if (request.method === 'POST') {
    return { received: request.json() };
  }
  return `Hello, ${request.query.name ?? 'world'}!`;
};
