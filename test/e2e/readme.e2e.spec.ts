import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { AddInventory, PlaceOrder, violationsOf } from '../../contracts/index.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import { openPgliteTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const bodies = [
  ...readme.matchAll(/curl -si? localhost:3000(\/[^\s]*) -H 'content-type: application\/json' -d '([^']+)'/g),
];
const byRoute = new Map(bodies.map(([, route, body]) => [route, JSON.parse(body!) as { orderId?: string }]));

/**
 * The messages the README says an order's timeline lists: `timeline lists the N messages it
 * caused — `A`, `B`, …, and two `C`` read back as N and [A, B, …, C, C].
 */
function documentedTimeline(): { count: number; types: string[] } {
  const sentence = /timeline lists the (\d+) messages it caused — ([^:]+):/.exec(
    readme.replaceAll('\n', ' '),
  );
  assert.ok(sentence, 'the README says which messages an order’s timeline lists');
  const words = { one: 1, two: 2, three: 3 } as Record<string, number>;
  const types = [...sentence[2]!.matchAll(/(?:\b(one|two|three) )?`(\w+)`/g)].flatMap(([, times, type]) =>
    Array<string>(times === undefined ? 1 : words[times]!).fill(type!),
  );
  return { count: Number(sentence[1]), types };
}

/** The README's walkthrough must keep working: its request bodies are checked against the contracts. */
describe('the README walkthrough', () => {
  let testDb: TestDatabase;
  let domain: TestHost;

  before(async () => {
    testDb = await openPgliteTestDatabase();
    // As `npm start` runs it: no SMTP_URL, so notifications are recorded rather than mailed.
    domain = await startTestHost({ db: testDb.db, modules: domainServices });
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  it('sends bodies that satisfy the contracts', () => {
    assert.deepEqual(violationsOf(AddInventory.schema, byRoute.get('/inventory/add')), []);
    assert.deepEqual(violationsOf(PlaceOrder.schema, byRoute.get('/orders')), []);
  });

  it('lists exactly the messages a placed order’s timeline records', async () => {
    const stocked = await domain.inject({
      method: 'POST',
      url: '/inventory/add',
      payload: byRoute.get('/inventory/add'),
    });
    assert.equal(stocked.statusCode, 200, stocked.body);
    const order = byRoute.get('/orders')!;
    const placed = await domain.inject({ method: 'POST', url: '/orders', payload: order });
    assert.equal(placed.statusCode, 202, placed.body);
    await domain.settled();

    const view = JSON.parse(
      (await domain.inject({ method: 'GET', url: `/orders/${order.orderId!}` })).body,
    ) as { status: string; timeline: { type: string }[] };
    assert.equal(view.status, 'completed');
    const recorded = view.timeline.map((entry) => entry.type);
    const documented = documentedTimeline();
    assert.equal(documented.count, documented.types.length, 'the README’s count matches its list');
    assert.deepEqual([...documented.types].sort(), [...recorded].sort(), `recorded: ${recorded.join(', ')}`);
  });
});
