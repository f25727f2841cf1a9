/** Wakes every waiter at once; a waiter also wakes by itself after its timeout. */
export class Signal {
  #waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves true when notified, false when the timeout ran out first. */
  wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiters = this.#waiters;
      const timer = setTimeout(() => {
        waiters.delete(notified);
        resolve(false);
      }, timeoutMs);
      function notified() {
        clearTimeout(timer);
        resolve(true);
      }
      waiters.add(notified);
    });
  }
}
