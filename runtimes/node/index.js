'use strict';

// The Node.js function runtime: `node index.js`, configured by the environment (runtimes/README.md).
// Wiring only: environment -> settings -> handler -> listen -> drain on SIGTERM. The handler is loaded
// before listening, so a broken function exits with code 3 and one line on stderr instead of ever answering.

const { performance } = require('node:perf_hooks');
const { parseConfig } = require('./lib/config');
const { createLogger, PREFIX } = require('./lib/log');
const { loadHandler, HandlerLoadError } = require('./lib/loader');
const { ConcurrencyLimiter } = require('./lib/limiter');
const { RuntimeMetrics } = require('./lib/metrics');
const { Readiness } = require('./lib/readiness');
const { createRuntimeServer, createPlatformServer } = require('./lib/server');
const { Specializer, TOKEN, authorizer, isGeneric } = require('./lib/specialize');

/** Process exit codes the supervisor tells apart; the same in every runtime. */
const EXIT = Object.freeze({ success: 0, invalidConfiguration: 2, handlerLoadFailed: 3, listenFailed: 4 });

/** Time to stop beyond FUNCTION_TIMEOUT: a request admitted just before SIGTERM may run to its timeout and get its 504 written. */
const DRAIN_MARGIN_MS = 3000;

async function main() {
  const generic = isGeneric(process.env);
  // Generic: no function yet; FUNCTION_PATH and HANDLER come with POST /specialize, on the private port only.
  const env = generic && !(process.env.FUNCTION_PATH ?? '').trim() ? { ...process.env, FUNCTION_PATH: process.cwd() } : process.env;
  let { config, errors } = parseConfig(env);
  const auth = generic && config ? authorizer(env) : {};
  if (generic && config && (config.platformPort === null || !auth.authorize)) {
    config = null;
    errors = [auth.error ?? `${TOKEN} and PLATFORM_PORT are required in generic mode (FUNCTION_GENERIC)`];
  }
  if (!config) {
    for (const error of errors) process.stderr.write(PREFIX + error + '\n');
    return process.exit(EXIT.invalidConfiguration);
  }
  const log = createLogger(config.logLevel);

  const loadStarted = performance.now();
  let handler = null;
  if (!generic) try {
    handler = await loadHandler(config.functionPath, config.handler);
  } catch (err) {
    if (!(err instanceof HandlerLoadError)) throw err;
    process.stderr.write(PREFIX + err.message + '\n');
    // exit, not return: the function's module may have started timers that would keep the process alive.
    return process.exit(EXIT.handlerLoadFailed);
  }
  const loadMs = performance.now() - loadStarted;

  // A promise the function forgot to handle must not take every other request down with it.
  process.on('unhandledRejection', (reason) => log.error(`unhandled promise rejection in the function: ${reason && reason.stack ? reason.stack : reason}`));

  const limiter = new ConcurrencyLimiter(config.containerConcurrency);
  const metrics = new RuntimeMetrics(limiter, config.metricLabels);
  const readiness = new Readiness();
  // Shared by both servers; a specialization (generic mode) replaces config, handler, limiter and metrics in it.
  const deps = { config, handler, limiter, metrics, readiness, log };
  const specializer = generic ? new Specializer(deps, auth.authorize) : null;
  if (generic) readiness.markGeneric();
  const server = createRuntimeServer(deps);
  const address = formatAddress(config.host, config.port);

  server.once('error', (err) => {
    process.stderr.write(`${PREFIX}cannot listen on ${address}: ${err.code ?? err.message}\n`);
    process.exit(EXIT.listenFailed);
  });
  // The platform port first: the prober only sees "ready" once both listen (readiness turns ready after PORT).
  if (config.platformPort !== null) await listenPlatform(createPlatformServer(deps, specializer), config.host, config.platformPort);
  server.listen(config.port, config.host, () => {
    if (!generic) readiness.markReady();
    const loaded = generic ? 'generic, waiting for POST /specialize,' : `${handler.name} loaded in ${loadMs.toFixed(0)} ms,`;
    process.stdout.write(`${PREFIX}${loaded} listening on ${address} (${performance.now().toFixed(0)} ms after start)\n`);
  });

  const drain = (signal) => {
    if (readiness.phase === 'draining') return;
    readiness.markDraining();
    log.info(`${signal}: draining, readiness is now 503, waiting for ${deps.limiter.inFlight} request(s) in flight`);
    // The listener stays open while draining: probes see 503 and requests routed here before the
    // endpoint was removed are still served (each answer then closes its connection).
    const deadline = setTimeout(() => {
      log.warn(`drain deadline reached with ${deps.limiter.inFlight} request(s) still in flight`);
      process.exit(EXIT.success);
    }, deps.config.timeoutSeconds * 1000 + DRAIN_MARGIN_MS);
    deps.limiter.whenIdle().then(() => {
      clearTimeout(deadline);
      log.info('drained: no request in flight');
      server.close();
      process.exit(EXIT.success);
    });
  };
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));
}

function listenPlatform(platform, host, port) {
  return new Promise((resolve) => {
    platform.once('error', (err) => {
      process.stderr.write(`${PREFIX}cannot listen on ${formatAddress(host, port)}: ${err.code ?? err.message}\n`);
      process.exit(EXIT.listenFailed);
    });
    platform.listen(port, host, resolve);
  });
}

function formatAddress(host, port) {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

main().catch((err) => {
  process.stderr.write(`${PREFIX}fatal: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
