import { Signal } from '../../../platform/kernel/signal.js';

/**
 * Wakes the provider worker when a call to the provider was scheduled. It remembers a ring that
 * came while the worker was busy, so none is lost between a claim and the next wait.
 */
export class WakeUp {
  readonly #signal = new Signal();
  #rung = false;

  ring(): void {
    this.#rung = true;
    this.#signal.notify();
  }

  /** Resolves at the next ring, at once if one came since the last wait, or after `timeoutMs`. */
  async wait(timeoutMs: number): Promise<void> {
    if (!this.#rung) await this.#signal.wait(timeoutMs);
    this.#rung = false;
  }
}
