'use strict';

const { LOG_LEVELS } = require('./config');

/** Prefix of the runtime's own one-line messages (startup, fatal errors), which the supervisor shows in a Function's status. */
const PREFIX = 'serverless-runtime: ';

const NAMES = ['trce', 'dbug', 'info', 'warn', 'fail', 'crit'];

/**
 * A levelled logger writing single lines to stderr (stdout belongs to the function's own output).
 * The format follows the .NET runtime's simple console: "<UTC time> <level>: <message>".
 */
function createLogger(minimumLevel, stream = process.stderr) {
  const write = (level, message) => {
    if (level < minimumLevel) return;
    stream.write(`${new Date().toISOString()} ${NAMES[level]}: ${message}\n`);
  };
  return Object.freeze({
    trace: (m) => write(LOG_LEVELS.trace, m),
    debug: (m) => write(LOG_LEVELS.debug, m),
    info: (m) => write(LOG_LEVELS.information, m),
    warn: (m) => write(LOG_LEVELS.warning, m),
    error: (m) => write(LOG_LEVELS.error, m),
    isEnabled: (level) => level >= minimumLevel,
  });
}

module.exports = { createLogger, PREFIX };
