/** A stream per bounded context, holding every subject of that context. */
export interface StreamPlan {
  readonly name: string;
  readonly context: string;
  readonly subjects: readonly string[];
}

/** One JetStream durable consumer serving (part of) a bus consumer. */
export interface ConsumerPlan {
  readonly stream: StreamPlan;
  readonly durable: string;
  readonly filterSubject: string;
}

/**
 * How bus channels map onto JetStream: channel `<context>.<kind>s.<Id>` travels on subject
 * `[<namespace>.]<channel>` in stream `[<namespace>_]<CONTEXT>`. Derived from the registry's
 * channels, so no name is typed twice; the namespace lets several deployments share one server.
 */
export class JetStreamTopology {
  readonly streams: readonly StreamPlan[];
  readonly #namespace: string;
  readonly #channelsByContext: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(namespace: string, registryChannels: readonly string[]) {
    this.#namespace = namespace;
    const byContext = new Map<string, Set<string>>();
    for (const channel of registryChannels) {
      const context = contextOf(channel);
      let channels = byContext.get(context);
      if (!channels) byContext.set(context, (channels = new Set()));
      channels.add(channel);
    }
    this.#channelsByContext = byContext;
    this.streams = [...byContext.keys()].map((context) => ({
      name: this.#prefixed('_', context.toUpperCase()),
      context,
      subjects: [this.subjectOf(`${context}.>`)],
    }));
  }

  subjectOf(channel: string): string {
    return this.#prefixed('.', channel);
  }

  streamOf(channel: string): StreamPlan {
    const context = contextOf(channel);
    const stream = this.streams.find((candidate) => candidate.context === context);
    if (!stream) throw new Error(`Channel ${channel} belongs to no stream: no contract declares it`);
    return stream;
  }

  /**
   * The durables that deliver `channels` to `consumer`. Durable names are scoped to a stream, so the
   * consumer keeps its own name in each. nats-server 2.9 filters a consumer on one subject only:
   * channels that cover their whole context share the context's wildcard, others get a durable each.
   */
  consumersFor(consumer: string, channels: readonly string[]): ConsumerPlan[] {
    const byStream = new Map<StreamPlan, string[]>();
    for (const channel of new Set(channels)) {
      const stream = this.streamOf(channel);
      byStream.set(stream, [...(byStream.get(stream) ?? []), channel]);
    }
    const durable = durableName(consumer);
    return [...byStream].flatMap(([stream, wanted]): ConsumerPlan[] => {
      const all = this.#channelsByContext.get(stream.context) ?? new Set();
      // One channel keeps its exact subject even when it is its context's only one: a contract
      // added to the context later must not reach a handler that never asked for it.
      if (wanted.length > 1 && [...all].every((channel) => wanted.includes(channel))) {
        return [{ stream, durable, filterSubject: this.subjectOf(`${stream.context}.>`) }];
      }
      if (wanted.length === 1) {
        return [{ stream, durable, filterSubject: this.subjectOf(wanted[0] ?? '') }];
      }
      return wanted.map((channel) => ({
        stream,
        durable: durableName(`${consumer}_${channel.slice(channel.lastIndexOf('.') + 1)}`),
        filterSubject: this.subjectOf(channel),
      }));
    });
  }

  #prefixed(separator: string, name: string): string {
    return this.#namespace ? `${this.#namespace}${separator}${name}` : name;
  }
}

/** NATS durable names may not hold `.`, `*`, `>`, whitespace or path separators. */
export function durableName(consumer: string): string {
  return consumer.replace(/[^A-Za-z0-9_-]/g, '_');
}

function contextOf(channel: string): string {
  const context = channel.split('.', 1)[0];
  if (!context) throw new Error(`Channel ${JSON.stringify(channel)} has no context`);
  return context;
}
