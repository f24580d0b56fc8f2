'use strict';

/** What /readyz answers: 200 only between the handler's load and the start of the drain. */
class Readiness {
  #phase = 'loading';

  get phase() {
    return this.#phase;
  }

  /** Moves from loading to ready; a drain that already began is never undone. */
  markReady() {
    if (this.#phase === 'loading') this.#phase = 'ready';
  }

  markDraining() {
    this.#phase = 'draining';
  }
}

module.exports = { Readiness };
