'use strict';

// The CloudEvents 1.0 HTTP protocol binding, pure functions only: which requests are events, turning a
// request into request.event, and turning a returned event into a binary-mode response.
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md

const SPEC_VERSION = '1.0';
const REQUIRED = ['specversion', 'id', 'source', 'type'];
const STRUCTURED_MEDIA_TYPE = 'application/cloudevents+json';
/** Attributes carried outside ce-* headers in binary mode. */
const NOT_HEADERS = new Set(['data', 'data_base64', 'datacontenttype']);
/** CloudEvents attribute names: lower-case ASCII letters and digits. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/** "binary", "structured" or null (not an event). Batch mode is not an event here: it reaches the handler as plain HTTP. */
function eventMode(headers) {
  // The content type decides first, as the HTTP binding says: SDKs send ce-* headers in structured mode too.
  if (mediaType(headers['content-type']) === STRUCTURED_MEDIA_TYPE) return 'structured';
  if (headers['ce-specversion'] !== undefined) return 'binary';
  return null;
}

/**
 * The event carried by a request: { event } or { error } (a 400 detail).
 * Binary mode: attributes from ce-* headers (percent-decoded), datacontenttype from Content-Type, data from the body.
 * Structured mode: the body is the event as JSON; data_base64 becomes a Buffer in data.
 */
function parseEvent(mode, headers, body) {
  return mode === 'binary' ? parseBinary(headers, body) : parseStructured(body);
}

function parseBinary(headers, body) {
  const event = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('ce-') && name.length > 3) event[name.slice(3)] = percentDecode(String(value));
  }
  if (headers['content-type'] !== undefined) event.datacontenttype = headers['content-type'];
  const error = validateIncoming(event);
  if (error) return { error };
  const data = decodeData(body, event.datacontenttype);
  if (data.error) return { error: data.error };
  event.data = data.value;
  return { event };
}

function parseStructured(body) {
  let event;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return { error: `The structured CloudEvent is not valid JSON: ${err.message}` };
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { error: 'The structured CloudEvent must be a JSON object' };
  }
  const error = validateIncoming(event);
  if (error) return { error };
  if (event.data_base64 !== undefined) {
    if (typeof event.data_base64 !== 'string') return { error: 'The CloudEvent attribute "data_base64" must be a string' };
    event.data = Buffer.from(event.data_base64, 'base64');
    delete event.data_base64;
  } else if (event.data === undefined) {
    event.data = null;
  }
  return { event };
}

/** The 400 detail for an event lacking a required attribute or of another spec version; null when valid. */
function validateIncoming(event) {
  for (const name of REQUIRED) {
    const value = event[name];
    if (value === undefined || value === null || value === '') {
      return `The CloudEvent is missing the required attribute "${name}"`;
    }
    if (typeof value !== 'string') return `The CloudEvent attribute "${name}" must be a string`;
  }
  if (event.specversion !== SPEC_VERSION) {
    return `The CloudEvent specversion "${event.specversion}" is not supported; this runtime accepts "${SPEC_VERSION}"`;
  }
  return null;
}

/** Binary-mode data: JSON media types parsed, text/* as a string, anything else as the raw Buffer; no body is null. */
function decodeData(body, contentType) {
  if (body.length === 0) return { value: null };
  const type = mediaType(contentType);
  if (isJsonMediaType(type)) {
    try {
      return { value: JSON.parse(body.toString('utf8')) };
    } catch (err) {
      return { error: `The CloudEvent data is declared as ${type} but is not valid JSON: ${err.message}` };
    }
  }
  if (type.startsWith('text/')) return { value: body.toString('utf8') };
  return { value: body };
}

/**
 * The rule for responses: a returned plain object with a "specversion" property is a CloudEvent and
 * goes back in binary mode. (To answer JSON that happens to have that key, return { status, headers, body }.)
 */
function isEvent(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) &&
    Object.hasOwn(value, 'specversion');
}

/**
 * The binary-mode response for a returned event: { status: 200, headers, body }. Throws a TypeError naming
 * the problem when the event is invalid (a function bug, so the caller answers 500).
 * A missing id is generated with newId(); data: Buffer as is, string as UTF-8 text, null/undefined no body,
 * anything else as JSON. The Content-Type is datacontenttype, or a default matching the data.
 */
function toBinaryResponse(event, newId) {
  if (event.specversion !== SPEC_VERSION) {
    throw new TypeError(`the returned CloudEvent has specversion ${JSON.stringify(event.specversion)}; it must be "${SPEC_VERSION}"`);
  }
  for (const name of ['source', 'type']) {
    if (typeof event[name] !== 'string' || event[name] === '') {
      throw new TypeError(`the returned CloudEvent is missing the required attribute "${name}"`);
    }
  }
  const headers = { 'ce-id': percentEncode(event.id === undefined || event.id === null || event.id === '' ? newId() : String(event.id)) };
  for (const [name, value] of Object.entries(event)) {
    if (NOT_HEADERS.has(name) || name === 'id' || value === undefined || value === null) continue;
    if (!ATTRIBUTE_NAME.test(name)) {
      throw new TypeError(`the returned CloudEvent has an invalid attribute name ${JSON.stringify(name)} (lower-case letters and digits only)`);
    }
    headers[`ce-${name}`] = percentEncode(value instanceof Date ? value.toISOString() : String(value));
  }

  const { body, contentType } = encodeData(event);
  const type = event.datacontenttype ?? contentType;
  if (type !== undefined) {
    // The one attribute sent as it is, not percent-encoded: CR/LF in it would split the response.
    if (/[\r\n\0]/.test(String(type))) throw new TypeError('the returned CloudEvent has a datacontenttype with CR, LF or NUL');
    headers['content-type'] = String(type);
  }
  return { status: 200, headers, body };
}

function encodeData(event) {
  if (event.data_base64 !== undefined) return { body: Buffer.from(String(event.data_base64), 'base64'), contentType: 'application/octet-stream' };
  const data = event.data;
  if (data === undefined || data === null) return { body: Buffer.alloc(0), contentType: undefined };
  if (Buffer.isBuffer(data)) return { body: data, contentType: 'application/octet-stream' };
  if (ArrayBuffer.isView(data)) return { body: Buffer.from(data.buffer, data.byteOffset, data.byteLength), contentType: 'application/octet-stream' };
  if (typeof data === 'string') return { body: Buffer.from(data, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  return { body: Buffer.from(JSON.stringify(data), 'utf8'), contentType: 'application/json' };
}

/** The lower-case media type of a Content-Type value, without parameters; "" when absent. */
function mediaType(contentType) {
  if (contentType === undefined || contentType === null) return '';
  return String(contentType).split(';', 1)[0].trim().toLowerCase();
}

function isJsonMediaType(type) {
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

/** Header-value encoding of the HTTP binding (3.1.3.2): space, '"', '%' and anything outside printable ASCII as %XX of UTF-8. */
function percentEncode(value) {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += byte <= 0x20 || byte >= 0x7f || byte === 0x22 || byte === 0x25
      ? '%' + byte.toString(16).toUpperCase().padStart(2, '0')
      : String.fromCharCode(byte);
  }
  return out;
}

/** The inverse of percentEncode; a malformed sequence leaves the value as it came. */
function percentDecode(value) {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (err) {
    if (err instanceof URIError) return value;
    throw err;
  }
}

module.exports = {
  eventMode, parseEvent, isEvent, toBinaryResponse, mediaType, isJsonMediaType, percentEncode, percentDecode,
};
