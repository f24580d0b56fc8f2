'use strict';

const net = require('node:net');
const path = require('node:path');
const { quote } = require('./text');

/** Defaults of the environment contract (runtimes/README.md); identical in every runtime. */
const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  handler: 'index.js:handle',
  containerConcurrency: 0,
  timeoutSeconds: 300,
  maxRequestBodyBytes: 32 * 1024 * 1024,
  logLevel: 'warning',
});

const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;

/** LOG_LEVEL names (the .NET ones plus the usual short forms) to severities; higher is more severe. */
const LOG_LEVELS = Object.freeze({
  trace: 0, debug: 1, information: 2, info: 2, warning: 3, warn: 3, error: 4, critical: 5, none: 6,
});

/**
 * Reads the runtime settings from an environment object. Pure: no I/O, so every rule is unit-testable.
 * Returns { config, errors }; config is null when errors is not empty, and each error names the key,
 * the value and the allowed range. HANDLER and FUNCTION_PATH are only checked for presence here:
 * the loader judges them, because a bad value there is the function's fault (exit 3), not the platform's (exit 2).
 */
function parseConfig(env) {
  const errors = [];
  const port = parseInteger(env, 'PORT', { required: true, fallback: 0, min: 1, max: 65535 }, errors);
  const platformPort = parseInteger(env, 'PLATFORM_PORT', { fallback: null, min: 1, max: 65535 }, errors);
  if (platformPort !== null && platformPort === port) {
    errors.push(`PLATFORM_PORT = ${quote(env.PLATFORM_PORT)}, must differ from PORT`);
  }
  const host = parseHost(env, errors);
  const functionPath = env.FUNCTION_PATH;
  if (!functionPath || !functionPath.trim()) {
    errors.push('FUNCTION_PATH is required (the directory holding the function\'s source)');
  }
  const handler = env.HANDLER && env.HANDLER.trim() ? env.HANDLER : DEFAULTS.handler;
  const containerConcurrency = parseInteger(env, 'CONTAINER_CONCURRENCY',
    { fallback: DEFAULTS.containerConcurrency, min: 0, max: 2 ** 31 - 1 }, errors);
  const timeoutSeconds = parseInteger(env, 'FUNCTION_TIMEOUT',
    { fallback: DEFAULTS.timeoutSeconds, min: 1, max: MAX_TIMEOUT_SECONDS }, errors);
  const maxRequestBodyBytes = parseInteger(env, 'MAX_REQUEST_BODY_BYTES',
    { fallback: DEFAULTS.maxRequestBodyBytes, min: 1, max: Number.MAX_SAFE_INTEGER }, errors);
  const logLevel = parseLogLevel(env, errors);

  if (errors.length > 0) return { config: null, errors };
  return {
    config: Object.freeze({
      port,
      // /healthz, /readyz and /metrics are served here only; null serves none. Every path on PORT is the function's.
      platformPort,
      host,
      functionPath: path.resolve(functionPath),
      handler,
      containerConcurrency,
      timeoutSeconds,
      maxRequestBodyBytes,
      logLevel,
      // FUNCTION_DEBUG (true/1): a handler's exception text goes back in the 500; otherwise only in the log.
      debug: ['true', '1'].includes(String(env.FUNCTION_DEBUG ?? '').trim().toLowerCase()),
      metricLabels: metricLabels(env),
    }),
    errors,
  };
}

/**
 * The labels every metric carries: the instance's namespace, function (K_SERVICE) and revision (K_REVISION), from
 * the platform's variables; one that is unset or blank is left out rather than empty.
 */
function metricLabels(env) {
  const labels = {};
  for (const [label, key] of [['namespace', 'FUNCTION_NAMESPACE'], ['function', 'K_SERVICE'], ['revision', 'K_REVISION']]) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') labels[label] = value;
  }
  return Object.freeze(labels);
}

function parseInteger(env, key, { required = false, fallback, min, max }, errors) {
  const value = env[key];
  if (value === undefined || value === '') {
    if (required) errors.push(`${key} is required (an integer in ${min}..${max})`);
    return fallback;
  }
  const parsed = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    errors.push(`${key} = ${quote(value)}, must be an integer in ${min}..${max}`);
    return fallback;
  }
  return parsed;
}

function parseHost(env, errors) {
  const value = env.HOST;
  if (value === undefined || value === '') return DEFAULTS.host;
  if (value.toLowerCase() === 'localhost') return '127.0.0.1';
  // net.isIP rejects shorthands such as "1" (which some parsers read as 0.0.0.1).
  if (net.isIP(value) !== 0) return value;
  errors.push(`HOST = ${quote(value)}, must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or localhost`);
  return DEFAULTS.host;
}

function parseLogLevel(env, errors) {
  const value = env.LOG_LEVEL;
  if (value === undefined || value === '') return LOG_LEVELS[DEFAULTS.logLevel];
  const level = LOG_LEVELS[value.toLowerCase()];
  if (level === undefined) {
    errors.push(`LOG_LEVEL = ${quote(value)}, must be one of trace, debug, information, warning, error, critical, none`);
    return LOG_LEVELS[DEFAULTS.logLevel];
  }
  return level;
}

module.exports = { parseConfig, DEFAULTS, LOG_LEVELS };
