import { setImmediate } from 'node:timers';

interface Waiting<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers what is asked of it in one turn of the event loop and runs it as one batch: work that
 * goes on side by side (the jobs of one claim, the deliveries of one batch) then takes one round
 * trip per step instead of one each. Each caller gets its own item's result, or the batch's error.
 * A batch runs in the context of the first caller, so its trace alone shows the batch's statement.
 */
export class TickBatch<Item, Result> {
  readonly #run: (items: readonly Item[]) => Promise<readonly Result[]>;
  #waiting: Waiting<Item, Result>[] = [];

  /** `run` returns one result per item, in the order of the items. */
  constructor(run: (items: readonly Item[]) => Promise<readonly Result[]>) {
    this.#run = run;
  }

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#waiting.length === 1) setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = [];
    try {
      const results = await this.#run(waiting.map((each) => each.item));
      if (results.length !== waiting.length)
        throw new Error(`a batch of ${waiting.length} gave ${results.length} results`);
      waiting.forEach((each, index) => {
        each.resolve(results[index] as Result);
      });
    } catch (error) {
      for (const each of waiting) each.reject(error);
    }
  }
}

/** A `TickBatch` of work that answers nothing per item: each caller learns that its item was done. */
export function tickBatchOfEffects<Item>(
  run: (items: readonly Item[]) => Promise<void>,
): TickBatch<Item, void> {
  return new TickBatch<Item, void>(async (items) => {
    await run(items);
    return items.map(() => undefined);
  });
}
