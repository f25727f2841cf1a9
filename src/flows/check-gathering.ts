import { checkDelayMs, loadedCheckDelayMs } from './order-flows.js';

/** The checks made within this long before a new message asked for one tell how loaded the checker is. */
const LOAD_WINDOW_MS = 1_000;

/**
 * When the check a new message asks for comes due. The messages of one order come in bursts that
 * share a check. Under load the steps of each order are seconds apart, every step a burst of its
 * own, and a check per step would cost about as much as the step: the more checks the checker made
 * in the last second, the longer new ones gather (the short delay per check made, up to a ceiling
 * still well inside the steps' budgets). A prompt checker claims each check as it comes due, a few
 * at a time, so it is the checks of the last second that tell the load, not those of one claim.
 */
export class CheckGathering {
  /** When each of the recent claims was made, and how many checks it found. */
  readonly #claims: { at: number; found: number }[] = [];
  #askedUntil = 0;

  /** A claim made at `now` found `found` checks due. */
  noteClaim(found: number, now: Date): void {
    this.#forgetClaimsBefore(now.getTime() - LOAD_WINDOW_MS);
    if (found > 0) this.#claims.push({ at: now.getTime(), found });
  }

  /** When a check asked for at `now` comes due. */
  dueAt(now: Date): Date {
    const at = now.getTime() + this.#delayMs(now.getTime());
    this.#askedUntil = Math.max(this.#askedUntil, at);
    return new Date(at);
  }

  /** How far ahead of `now` the checks that messages asked for reach: a backlog counts up to here. */
  horizon(now: Date): Date {
    return new Date(Math.max(now.getTime() + checkDelayMs, this.#askedUntil));
  }

  #delayMs(now: number): number {
    this.#forgetClaimsBefore(now - LOAD_WINDOW_MS);
    const made = this.#claims.reduce((sum, claim) => sum + claim.found, 0);
    return Math.min(Math.max(made, 1) * checkDelayMs, loadedCheckDelayMs);
  }

  #forgetClaimsBefore(time: number): void {
    const recent = this.#claims.findIndex((claim) => claim.at > time);
    this.#claims.splice(0, recent === -1 ? this.#claims.length : recent);
  }
}
