import { checkDelayMs, loadedCheckDelayMs } from './order-flows.js';

/**
 * When the check a new message asks for comes due. The messages of one order come in bursts that
 * share a check. Under load the steps of each order are seconds apart, every step a burst of its
 * own, and a check per step would cost about as much as the step: the more checks the checker's
 * last claim found, the longer new ones gather (the short delay per check found, up to a ceiling
 * still well inside the steps' budgets).
 */
export class CheckGathering {
  #delayMs = checkDelayMs;
  #askedUntil = 0;

  /** How many checks the checker's last claim found due. */
  noteClaim(found: number): void {
    this.#delayMs = Math.min(Math.max(found, 1) * checkDelayMs, loadedCheckDelayMs);
  }

  /** When a check asked for at `now` comes due. */
  dueAt(now: Date): Date {
    const at = now.getTime() + this.#delayMs;
    this.#askedUntil = Math.max(this.#askedUntil, at);
    return new Date(at);
  }

  /** How far ahead of `now` the checks that messages asked for reach: a backlog counts up to here. */
  horizon(now: Date): Date {
    return new Date(Math.max(now.getTime() + checkDelayMs, this.#askedUntil));
  }
}
