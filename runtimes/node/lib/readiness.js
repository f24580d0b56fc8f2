'use strict';

/** What /readyz answers: 200 only between the handler's load and the start of the drain. */
class Readiness {
  #phase = 'loading';

  get phase() {
    return this.#phase;
  }

  /** Moves from loading (or generic, waiting for POST /specialize) to ready; a drain that already began is never undone. */
  markReady() {
    if (this.#phase === 'loading' || this.#phase === 'generic') this.#phase = 'ready';
  }

  /** A generic runtime (FUNCTION_GENERIC) waiting for its function: alive (/healthz), not ready. */
  markGeneric() {
    if (this.#phase === 'loading') this.#phase = 'generic';
  }

  markDraining() {
    this.#phase = 'draining';
  }
}

module.exports = { Readiness };
