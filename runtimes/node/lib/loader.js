'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { quote, firstLine } = require('./text');

const EXTENSIONS = ['.js', '.cjs', '.mjs'];
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The function cannot be served. The message is the one line written to stderr before exiting with code 3. */
class HandlerLoadError extends Error {
  constructor(spec, reason) {
    super(`handler ${quote(spec)}: ${reason}`);
    this.name = 'HandlerLoadError';
  }
}

/**
 * Splits HANDLER ("relative/file.js:exportName") into its parts. Pure.
 * The file is relative to FUNCTION_PATH and ends in .js, .cjs or .mjs; the export is an identifier,
 * "default" meaning the default export (ESM) or module.exports itself (CommonJS).
 */
function parseHandlerSpec(spec) {
  const colon = spec.lastIndexOf(':');
  const file = colon < 0 ? '' : spec.slice(0, colon);
  const exportName = colon < 0 ? '' : spec.slice(colon + 1);
  if (!file || !IDENTIFIER.test(exportName)) {
    throw new HandlerLoadError(spec, 'must be "file:export", such as "index.js:handle"');
  }
  if (!EXTENSIONS.includes(path.extname(file))) {
    throw new HandlerLoadError(spec, `the file must end in ${EXTENSIONS.join(', ')}`);
  }
  return { file, exportName };
}

/** The handler file's absolute path, which must stay inside FUNCTION_PATH. Pure. */
function resolveHandlerFile(spec, functionPath, file) {
  if (path.isAbsolute(file)) {
    throw new HandlerLoadError(spec, 'the file must be relative to FUNCTION_PATH');
  }
  const resolved = path.resolve(functionPath, file);
  const relative = path.relative(functionPath, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new HandlerLoadError(spec, `the file must be inside FUNCTION_PATH (${functionPath})`);
  }
  return resolved;
}

/**
 * Loads the function named by HANDLER from FUNCTION_PATH: .mjs through import(), .cjs through require(),
 * .js through require() unless it is an ES module (package.json "type": "module"), then import().
 * Resolves to { name, fn, file }; rejects with HandlerLoadError for anything the function's author must fix.
 */
async function loadHandler(functionPath, spec) {
  const { file, exportName } = parseHandlerSpec(spec);
  if (!isDirectory(functionPath)) {
    throw new HandlerLoadError(spec, `FUNCTION_PATH ${quote(functionPath)} is not a directory`);
  }
  const absolute = resolveHandlerFile(spec, functionPath, file);
  if (!isFile(absolute)) {
    throw new HandlerLoadError(spec, `file not found: ${absolute}`);
  }

  let exported;
  try {
    exported = await importModule(absolute);
  } catch (err) {
    throw new HandlerLoadError(spec, `cannot load ${absolute}: ${describeLoadError(err)}`);
  }

  // Own properties only: "toString" must not find Object.prototype.toString.
  const fn = Object.hasOwn(exported, exportName) ? exported[exportName] : undefined;
  if (fn === undefined) {
    throw new HandlerLoadError(spec, `export ${quote(exportName)} not found in ${absolute}`);
  }
  if (typeof fn !== 'function') {
    throw new HandlerLoadError(spec, `export ${quote(exportName)} in ${absolute} is not a function (it is ${describeType(fn)})`);
  }
  return { name: spec, fn, file: absolute };
}

/** The module's exports as one object; for CommonJS, "default" is module.exports itself. */
async function importModule(absolute) {
  if (path.extname(absolute) === '.mjs') return import(pathToFileURL(absolute).href);
  let exports;
  try {
    exports = require(absolute);
  } catch (err) {
    // A .js file in a "type": "module" package: only import() can load it.
    if (err && err.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(absolute).href);
    throw err;
  }
  const isObject = exports !== null && (typeof exports === 'object' || typeof exports === 'function');
  // An explicit "default" export (transpiled ESM) wins over module.exports.
  return isObject ? { default: exports, ...exports } : { default: exports };
}

/** One line: the error's type and message, plus the location for a syntax error (Node puts it in the stack). */
function describeLoadError(err) {
  if (!(err instanceof Error)) return `${typeof err}: ${firstLine(err)}`;
  let text = `${err.name}: ${firstLine(err.message)}`;
  if (err instanceof SyntaxError && typeof err.stack === 'string') {
    const location = firstLine(err.stack);
    if (/:\d+$/.test(location) && !location.startsWith(err.name)) text += ` (at ${location})`;
  }
  return text;
}

function describeType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isDirectory(p) {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(p) {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

module.exports = { loadHandler, parseHandlerSpec, resolveHandlerFile, HandlerLoadError };
