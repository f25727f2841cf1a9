import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { defaultCaller, tokenFor } from '../support/auth.js';
import { startDistributedDomain, type DistributedDomain } from './support/domain.js';
import { describeDistributed } from './support/infrastructure.js';
import { assertSettledConsistently, placeAll, stockProducts, workload } from './support/load.js';

/** How many messages one process handled for a consumer, from its own /metrics. */
async function handledBy(address: string, consumer: string): Promise<number> {
  const authorization = `Bearer ${await tokenFor(defaultCaller)}`;
  const metrics = await (await fetch(`${address}/metrics`, { headers: { authorization } })).text();
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`messages_handled_total{consumer="${consumer}"`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describeDistributed('replicas of a service sharing its durable consumers [3 inventory, 2 orders]', () => {
  let domain: DistributedDomain | undefined;

  before(async () => {
    domain = await startDistributedDomain({ replicas: { inventory: 3, orders: 2 } });
  });

  after(async () => {
    await domain?.dispose();
  });

  it('sells exactly the stock of each product, once, under 1,000 concurrent orders over 50 products', async () => {
    const load = workload(50, 20, (index) => 5 + (index % 11));
    await stockProducts(domain!, load.stock);

    const started = performance.now();
    const { retried } = await placeAll(domain!, load.orders);
    const accepted = performance.now();
    await domain!.settled(180_000);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[distributed] ${load.orders.length} orders, 3 inventory + 2 orders replicas: accepted in ` +
        `${((accepted - started) / 1000).toFixed(1)} s, settled in ${seconds.toFixed(1)} s: ` +
        `${(load.orders.length / seconds).toFixed(0)} orders/s end to end (${retried} requests retried)`,
    );

    await assertSettledConsistently(domain!, load);
    const replicas = domain!.topology.replicasOf('inventory');
    assert.equal(replicas.length, 3, 'three inventory replicas to ask');
    for (const replica of replicas) {
      assert.ok(
        (await handledBy(replica.address, 'InventoryService-reserve-inventory')) > 0,
        `${replica.name} took a share of the reservations`,
      );
    }
  });
});
