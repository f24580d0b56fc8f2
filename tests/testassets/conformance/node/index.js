'use strict';

// The conformance test function (see ../README.md); its C# and python twins behave identically.
const crypto = require('node:crypto');

const MAX_ECHOED_BODY = 4096;

exports.handle = async function handle(request) {
  const event = request.event;
  if (event) {
    return {
      specversion: '1.0',
      id: `reply-${event.id}`,
      source: '/conformance',
      type: 'conformance.reply',
      datacontenttype: 'application/json',
      data: { id: event.id, type: event.type, source: event.source, data: event.data },
    };
  }
  const path = request.path;
  if (path.startsWith('/status/')) {
    const code = Number(path.slice('/status/'.length));
    return { status: code, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `status ${code}` };
  }
  if (path === '/throw') throw new Error('boom');
  if (path === '/identity') {
    return Object.fromEntries(['K_SERVICE', 'K_CONFIGURATION', 'K_REVISION', 'FUNCTION_NAMESPACE'].map((name) => [name, process.env[name] ?? null]));
  }
  if (path === '/slow') {
    await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms ?? 1000)));
    return 'slept';
  }
  return {
    method: request.method,
    path,
    query: request.query,
    headers: request.headers,
    bodyLength: request.body.length,
    bodySha256: crypto.createHash('sha256').update(request.body).digest('hex'),
    body: request.body.length <= MAX_ECHOED_BODY ? request.body.toString('utf8') : null,
  };
};
