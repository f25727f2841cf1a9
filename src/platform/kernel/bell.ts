import { Signal } from './signal.js';

/**
 * Wakes a background worker when there is new work. Unlike a bare Signal it remembers a ring that
 * came while the worker was busy, so none is lost between a claim and the next wait.
 */
export class Bell {
  readonly #signal = new Signal();
  #rung = false;

  ring(): void {
    this.#rung = true;
    this.#signal.notify();
  }

  /**
   * Resolves at the next ring, at once if one came since the last wait, or after `timeoutMs`:
   * true when it was rung.
   */
  async wait(timeoutMs: number): Promise<boolean> {
    if (!this.#rung) await this.#signal.wait(timeoutMs);
    return this.take();
  }

  /** Takes a ring that came since the last wait, without waiting: true when there was one. */
  take(): boolean {
    const rung = this.#rung;
    this.#rung = false;
    return rung;
  }
}
