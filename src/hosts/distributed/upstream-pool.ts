interface Upstream {
  readonly url: string;
  healthy: boolean;
}

/**
 * The replicas of one service behind the gateway: round-robin over those that answered their last
 * health check, with the others kept as a last resort (a stale check must not turn a request away).
 */
export class UpstreamPool {
  readonly service: string;
  readonly #upstreams: Upstream[];
  readonly #healthCheckMs: number;
  #cursor = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(service: string, urls: readonly string[], healthCheckMs: number) {
    if (urls.length === 0) throw new Error(`The gateway has no upstream for ${service}`);
    this.service = service;
    this.#upstreams = urls.map((url) => ({ url: url.replace(/\/+$/, ''), healthy: true }));
    this.#healthCheckMs = healthCheckMs;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#checkAll(), this.#healthCheckMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  get anyHealthy(): boolean {
    return this.#upstreams.some((upstream) => upstream.healthy);
  }

  /** Every upstream, in the order to try them for the next request. */
  candidates(): string[] {
    const start = this.#cursor++ % this.#upstreams.length;
    const rotated = [...this.#upstreams.slice(start), ...this.#upstreams.slice(0, start)];
    return [
      ...rotated.filter((upstream) => upstream.healthy),
      ...rotated.filter((upstream) => !upstream.healthy),
    ].map((upstream) => upstream.url);
  }

  /** The upstream refused a connection: skip it until it answers a health check again. */
  markDown(url: string): void {
    const upstream = this.#upstreams.find((candidate) => candidate.url === url);
    if (upstream) upstream.healthy = false;
  }

  async #checkAll(): Promise<void> {
    await Promise.all(
      this.#upstreams.map(async (upstream) => {
        try {
          const response = await fetch(`${upstream.url}/health`, {
            signal: AbortSignal.timeout(this.#healthCheckMs),
          });
          upstream.healthy = response.ok;
        } catch {
          upstream.healthy = false;
        }
      }),
    );
  }
}
