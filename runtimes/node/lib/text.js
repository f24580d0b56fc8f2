'use strict';

const MAX_LENGTH = 200;

/**
 * Quotes untrusted text for a one-line diagnostic: control characters are escaped so that a hostile
 * value (a HANDLER, a header) cannot forge extra log lines, and very long values are cut.
 */
function quote(value) {
  const text = String(value);
  const shown = text.length > MAX_LENGTH ? text.slice(0, MAX_LENGTH) : text;
  let out = '"';
  for (const c of shown) {
    const code = c.codePointAt(0);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      out += '\\u' + code.toString(16).padStart(4, '0');
    } else out += c;
  }
  return out + '"' + (text.length > MAX_LENGTH ? '...' : '');
}

/** The first line of a message, for errors that must fit on one line. */
function firstLine(value) {
  return String(value).split(/\r?\n/, 1)[0];
}

module.exports = { quote, firstLine };
