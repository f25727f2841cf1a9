import type { FastifyReply, FastifyRequest } from 'fastify';
import { OverviewSampler, type AskApi } from './overview.js';

/** How often the overview figures are taken and pushed. */
const SAMPLE_EVERY_MS = 1_000;

/**
 * Pushes the overview figures as server-sent events (`event: overview`) every second while the
 * client listens; a sample that fails is pushed as `event: failure` and the stream goes on.
 * `openStreams` holds a way to end each stream until it ends.
 */
export function streamOverview(
  request: FastifyRequest,
  reply: FastifyReply,
  ask: AskApi,
  openStreams: Set<() => void>,
): void {
  const sampler = new OverviewSampler(ask);
  const response = reply.hijack().raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });

  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    openStreams.delete(end);
    response.end();
  };
  openStreams.add(end);
  request.raw.once('close', end);

  const push = async () => {
    try {
      const figures = await sampler.sample();
      if (!ended) response.write(`event: overview\ndata: ${JSON.stringify(figures)}\n\n`);
    } catch (error) {
      if (!ended) response.write(`event: failure\ndata: ${JSON.stringify({ detail: String(error) })}\n\n`);
    }
    if (!ended) timer = setTimeout(() => void push(), SAMPLE_EVERY_MS);
  };
  void push();
}
