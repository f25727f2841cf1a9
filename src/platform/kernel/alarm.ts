/**
 * Rings at each time it is set for, with one timer at most: the one for the earliest time set.
 * A time already past rings on the next turn of the event loop. Times that pass together ring once.
 */
export class Alarm {
  readonly #ring: () => void;
  /** Ascending, in ms since the epoch. */
  readonly #times: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  constructor(ring: () => void) {
    this.#ring = ring;
  }

  set(at: number): void {
    this.#times.splice(this.#indexAfter(at), 0, at);
    if (at < this.#armedFor) this.#arm();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.#times.length = 0;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const next = this.#times[0];
    this.#armedFor = next ?? Number.POSITIVE_INFINITY;
    this.#timer =
      next === undefined
        ? undefined
        : setTimeout(
            () => {
              this.#fire();
            },
            Math.max(0, next - Date.now()),
          ).unref();
  }

  #fire(): void {
    const now = Date.now();
    // A timer may fire a little before its time by the wall clock: a time not reached waits on.
    const passed = this.#indexAfter(now);
    this.#times.splice(0, passed);
    this.#arm();
    if (passed > 0) this.#ring();
  }

  /** The index of the first time later than `at`. */
  #indexAfter(at: number): number {
    let low = 0;
    let high = this.#times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#times[middle] as number) <= at) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
