'use strict';

/**
 * Counts invocations in flight and admits at most `limit` of them (0 = unlimited). It never queues:
 * the activator in front of the runtime does, so a refused request is answered 429 at once.
 * Single-threaded (Node's event loop), so plain counters suffice.
 */
class ConcurrencyLimiter {
  #inFlight = 0;
  #idleWaiters = [];

  constructor(limit) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be an integer >= 0, was ${limit}`);
    this.limit = limit;
  }

  get inFlight() {
    return this.#inFlight;
  }

  /** Admits a request if there is room; every true must be paired with one release(). */
  tryAcquire() {
    if (this.limit !== 0 && this.#inFlight >= this.limit) return false;
    this.#inFlight++;
    return true;
  }

  release() {
    if (this.#inFlight === 0) throw new Error('release() called more often than tryAcquire() succeeded');
    this.#inFlight--;
    if (this.#inFlight === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Resolves when nothing is in flight (at once if nothing is). Used by the drain on SIGTERM. */
  whenIdle() {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}

module.exports = { ConcurrencyLimiter };
