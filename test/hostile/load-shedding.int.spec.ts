import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { domainServices } from '../../src/hosts/domain-services.js';
import { defaultCaller, tokenFor } from '../support/auth.js';
import { openPgliteTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody } from '../support/orders.js';
import { until } from '../support/until.js';
import { assertProblem, storedRows, type Answer } from './support.js';

/**
 * Load shedding over real HTTP, with limits low enough to reach. Requests are held in flight the
 * way a slow client holds them: headers sent, body not finished. Clients are told apart by their
 * address, so each uses a loopback address of its own.
 */
const clientA = '127.0.0.1';
const clientB = '127.0.0.2';
const clientC = '127.0.0.3';

interface Served {
  readonly testDb: TestDatabase;
  readonly domain: TestHost;
  readonly port: number;
  readonly token: string;
}

async function serve(env: Record<string, string>): Promise<Served> {
  const testDb = await openPgliteTestDatabase();
  const domain = await startTestHost({ db: testDb.db, modules: domainServices, env });
  await domain.host.app.listen({ port: 0, host: '127.0.0.1' });
  const address = domain.host.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { testDb, domain, port, token: await tokenFor(defaultCaller) };
}

async function stop(served: Served | undefined): Promise<void> {
  await served?.domain.stop();
  await served?.testDb.dispose();
}

/** One request on a connection of its own, from the client address given. */
function send(
  served: Served,
  options: { method?: string; path: string; body?: unknown; from?: string },
): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: served.port,
        localAddress: options.from ?? clientA,
        agent: false,
        method: options.method ?? 'GET',
        path: options.path,
        headers: {
          authorization: `Bearer ${served.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          resolve({
            statusCode: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A placement whose body never finishes: it stays in flight until its socket is destroyed. */
function holdInFlight(served: Served, from: string): Socket {
  const socket = connect({ host: '127.0.0.1', port: served.port, localAddress: from });
  socket.on('error', () => undefined);
  socket.write(
    [
      'POST /orders HTTP/1.1',
      'host: localhost',
      `authorization: Bearer ${served.token}`,
      'content-type: application/json',
      'content-length: 4096',
      '',
      '{',
    ].join('\r\n'),
  );
  return socket;
}

function assertShed(answer: Answer, status: 503 | 429, code: string): void {
  assertProblem(answer, status, code);
  assert.equal(answer.headers['retry-after'], '1');
}

/** Places an order that must be shed, and shows that nothing of it was stored. */
async function placeShed(served: Served, from: string, status: 503 | 429, code: string): Promise<void> {
  await served.domain.settled();
  const before = await storedRows(served.testDb.db);
  const body = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
  assertShed(await send(served, { method: 'POST', path: '/orders', body, from }), status, code);
  await served.domain.settled();
  assert.deepEqual(await storedRows(served.testDb.db), before, 'nothing was stored');
}

/** Blocks the event loop, which is also the server's, for `ms`. */
function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('load shedding by requests in flight', () => {
  let served: Served | undefined;
  const held: Socket[] = [];

  before(async () => {
    served = await serve({
      HTTP_MAX_IN_FLIGHT: '6',
      HTTP_MAX_IN_FLIGHT_PER_CLIENT: '3',
      HTTP_MAX_EVENT_LOOP_DELAY_MS: '60000',
    });
  });

  after(async () => {
    for (const socket of held) socket.destroy();
    await stop(served);
  });

  it('refuses a client past its own limit with 429, all clients past the total with 503, never /health or /ready', async () => {
    const server = served!;
    // A read stores nothing, so it can look as often as needed for the held requests to be counted.
    const lookFrom = (from: string) => send(server, { path: `/orders/${randomUUID()}`, from });

    held.push(...Array.from({ length: 3 }, () => holdInFlight(server, clientA)));
    assertShed(
      await until('client A is at its limit', async () => {
        const answer = await lookFrom(clientA);
        return answer.statusCode === 429 && answer;
      }),
      429,
      'CLIENT.TOO_MANY_IN_FLIGHT',
    );
    await placeShed(server, clientA, 429, 'CLIENT.TOO_MANY_IN_FLIGHT');
    assert.equal((await lookFrom(clientC)).statusCode, 404, 'another client is still served');

    held.push(...Array.from({ length: 3 }, () => holdInFlight(server, clientB)));
    assertShed(
      await until('the server is at its limit', async () => {
        const answer = await lookFrom(clientC);
        return answer.statusCode === 503 && answer;
      }),
      503,
      'SERVER.OVERLOADED',
    );
    await placeShed(server, clientC, 503, 'SERVER.OVERLOADED');

    for (const from of [clientA, clientC]) {
      assert.equal((await send(server, { path: '/health', from })).statusCode, 200);
      assert.equal((await send(server, { path: '/ready', from })).statusCode, 200);
    }

    for (const socket of held.splice(0)) socket.destroy();
    const body = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    await until('the released slots serve client A again', async () => {
      const answer = await send(server, { method: 'POST', path: '/orders', body, from: clientA });
      if (answer.statusCode === 429 || answer.statusCode === 503) return false;
      assert.equal(answer.statusCode, 202, answer.body);
      return true;
    });
  });
});

describe('load shedding by event-loop delay', () => {
  let served: Served | undefined;

  before(async () => {
    served = await serve({
      HTTP_MAX_IN_FLIGHT: '100000',
      HTTP_MAX_IN_FLIGHT_PER_CLIENT: '100000',
      HTTP_MAX_EVENT_LOOP_DELAY_MS: '100',
    });
  });

  after(async () => {
    await stop(served);
  });

  it('sheds a placement that arrives while the loop lags, and still answers /health and /ready', async () => {
    const server = served!;
    // The lag is sampled every 100 ms: a blocked loop is seen at the latest in the sample after it.
    let round: Answer[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await server.domain.settled();
      const before = await storedRows(server.testDb.db);
      const body = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
      const sent = [
        send(server, { method: 'POST', path: '/orders', body }),
        send(server, { path: '/health' }),
        send(server, { path: '/ready' }),
      ];
      busyWait(500);
      round = await Promise.all(sent);
      if (round[0]!.statusCode === 503) {
        await server.domain.settled();
        assert.deepEqual(await storedRows(server.testDb.db), before, 'nothing was stored');
        break;
      }
    }
    const [placement, health, ready] = round;
    assertShed(placement!, 503, 'SERVER.OVERLOADED');
    assert.equal(health!.statusCode, 200, 'liveness is answered while the loop lags');
    assert.equal(ready!.statusCode, 200, 'readiness is answered while the loop lags');

    const body = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    await until('a calm loop serves placements again', async () => {
      const answer = await send(server, { method: 'POST', path: '/orders', body });
      if (answer.statusCode === 503) return false;
      assert.equal(answer.statusCode, 202, answer.body);
      return true;
    });
  });
});
