/**
 * Reads a JSON document from the API the console fronts, as the signed-in operator; undefined
 * when the operator's role may not read it.
 */
export type AskApi = (path: string) => Promise<unknown>;

export interface OverviewFigures {
  readonly at: string;
  readonly ordersByStatus: Record<string, number>;
  readonly ordersTotal: number;
  /** Orders placed per second over the last few seconds; null until two samples exist. */
  readonly ordersPerSecond: number | null;
  /** Work accepted and not finished, over every outbox, consumer and worker; null unless admin. */
  readonly backlog: number | null;
  /** Null unless admin. */
  readonly openDeadLetters: number | null;
  readonly departingFlows: number;
}

interface OrderStatistics {
  readonly byStatus: Record<string, number>;
  readonly total: number;
  readonly departingFlows: number;
}

/** How far back the order rate looks: long enough to smooth bursts, short enough to say "now". */
const RATE_WINDOW_MS = 10_000;

/** Sums every count in a backlog report, whatever its nesting (the gateway's groups it per service). */
function backlogTotal(report: unknown): number {
  if (typeof report === 'number') return report;
  if (typeof report !== 'object' || report === null) return 0;
  return Object.values(report).reduce<number>((sum, value) => sum + backlogTotal(value), 0);
}

/**
 * Takes the figures of the console's overview, one sample at a time, remembering recent order
 * totals to tell the rate at which orders arrive.
 */
export class OverviewSampler {
  readonly #ask: AskApi;
  readonly #now: () => number;
  #totals: { at: number; total: number }[] = [];

  constructor(ask: AskApi, now: () => number = Date.now) {
    this.#ask = ask;
    this.#now = now;
  }

  async sample(): Promise<OverviewFigures> {
    const [statistics, backlog, deadLetters] = await Promise.all([
      this.#ask('/orders/statistics') as Promise<OrderStatistics>,
      this.#ask('/admin/backlog'),
      this.#ask('/admin/dead-letters') as Promise<{ deadLetters: unknown[] } | undefined>,
    ]);
    const at = this.#now();
    return {
      at: new Date(at).toISOString(),
      ordersByStatus: statistics.byStatus,
      ordersTotal: statistics.total,
      ordersPerSecond: this.#rate(at, statistics.total),
      backlog: backlog === undefined ? null : backlogTotal(backlog),
      openDeadLetters: deadLetters === undefined ? null : deadLetters.deadLetters.length,
      departingFlows: statistics.departingFlows,
    };
  }

  #rate(at: number, total: number): number | null {
    this.#totals = [...this.#totals.filter((sample) => at - sample.at <= RATE_WINDOW_MS), { at, total }];
    const [oldest] = this.#totals;
    if (!oldest || oldest.at === at) return null;
    return (total - oldest.total) / ((at - oldest.at) / 1000);
  }
}
