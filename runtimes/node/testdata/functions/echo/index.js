'use strict';

// The test function of the runtime tests: one handler, behaviour chosen by the path.
const crypto = require('node:crypto');
const childProcess = require('node:child_process');

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** SigBlk and SigIgn of a /proc status file. */
const signalFields = (status) => Object.fromEntries(status.split('\n').map((l) => l.split(':')).filter(([k]) => k === 'SigBlk' || k === 'SigIgn').map(([k, v]) => [k, v.trim()]));

/** What a child of the function inherits, and whether kill('SIGTERM') stops it. */
async function childSignals() {
  const child = signalFields(childProcess.execFileSync('cat', ['/proc/self/status'], { encoding: 'utf8' }));
  const sleeper = childProcess.spawn('sleep', ['30']);
  const terminated = await new Promise((resolve) => {
    const timer = setTimeout(() => { sleeper.kill('SIGKILL'); resolve('still running 5 s after SIGTERM'); }, 5000);
    sleeper.on('exit', (code, signal) => { clearTimeout(timer); resolve(signal ?? code); });
    sleeper.kill('SIGTERM');
  });
  return { child, terminated };
}

exports.handle = async function handle(request) {
  switch (request.path) {
    case '/child-signals':
      return childSignals();
    case '/throw':
      throw new TypeError('boom');
    case '/stray-rejection':
      // A promise nobody handles: the runtime logs it instead of crashing.
      Promise.reject(new Error('nobody listens'));
      return 'still here';
    case '/slow':
      await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms ?? 1000)));
      return 'slow done';
    case '/hang':
      // Honours its signal, as a well-behaved function does; the runtime answers 504 either way.
      await sleep(60_000, request.signal);
      return 'too late';
    case '/digest':
      return { length: request.body.length, sha256: crypto.createHash('sha256').update(request.body).digest('hex') };
    case '/response':
      return { status: 201, headers: { 'x-custom': 'yes', location: '/things/1' }, body: { created: true } };
    case '/nothing':
      return undefined;
    case '/json':
      return { parsed: request.json() };
    case '/event':
      return { event: request.event && { ...request.event, data: Buffer.isBuffer(request.event.data) ? request.event.data.toString('base64') : request.event.data } };
    case '/reply':
      return {
        specversion: '1.0',
        id: 'reply-1',
        source: '/tests/reply',
        type: 'dev.serverless.reply',
        subject: 'ünïcode subject',
        myext: 'x',
        datacontenttype: 'application/json',
        data: { received: request.event ? request.event.id : null },
      };
    default:
      return {
        method: request.method,
        path: request.path,
        query: request.query,
        all: request.searchParams.getAll('a'),
        headers: request.headers,
        body: request.text(),
      };
  }
};

exports.notAFunction = 42;
