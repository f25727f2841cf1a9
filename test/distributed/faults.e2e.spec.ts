import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { until } from '../support/until.js';
import { startDistributedDomain, type DistributedDomain } from './support/domain.js';
import {
  describeDistributed,
  startPrivateNatsServer,
  type PrivateNatsServer,
} from './support/infrastructure.js';
import {
  assertSettledConsistently,
  finalCount,
  placeAll,
  stockProducts,
  untilAllFinal,
  workload,
} from './support/load.js';

/** Once the fault is repaired, every accepted order must be final within this long. */
const RECOVERY_BUDGET_MS = 60_000;

describeDistributed(
  'faults mid-load [2 inventory, 2 orders, a NATS server of its own]',
  () => {
    let nats: PrivateNatsServer | undefined;
    let domain: DistributedDomain | undefined;

    before(async () => {
      nats = await startPrivateNatsServer();
      domain = await startDistributedDomain({ natsUrl: nats.url, replicas: { inventory: 2, orders: 2 } });
    });

    after(async () => {
      await domain?.dispose();
      await nats?.stop();
    });

    /**
     * Places 200 orders over 10 products, strikes with `fault` once a quarter of them are stored, and
     * checks that the domain ends consistent. Prints how soon after the strike orders were being
     * finished again, and how long after the repair every order was final.
     */
    async function survives(label: string, fault: () => Promise<void>): Promise<void> {
      const orders = await domain!.database('orders');
      const load = workload(10, 20, (index) => 4 + (index % 7));
      const ids = load.orders.map((order) => order.orderId);
      await stockProducts(domain!, load.stock);

      const placing = placeAll(domain!, load.orders);
      await untilStored(orders, ids, ids.length / 4);
      const struck = Date.now();
      const resumed = untilProgress(orders, ids, RECOVERY_BUDGET_MS);
      await fault();
      const repaired = Date.now();
      const resumedMs = await resumed;
      const { retried } = await placing;
      await untilAllFinal(orders, ids, RECOVERY_BUDGET_MS);
      const allFinalMs = Date.now() - repaired;
      await domain!.settled(RECOVERY_BUDGET_MS);
      console.log(
        `[distributed] ${label}: the fault lasted ${repaired - struck} ms; orders were being finished again ` +
          `${resumedMs} ms after it struck; all ${ids.length} final ${allFinalMs} ms after the repair ` +
          `(${retried} client requests retried)`,
      );

      await assertSettledConsistently(domain!, load);
    }

    it('loses nothing and applies nothing twice when a replica of each service is SIGKILLed mid-load and restarted', async () => {
      await survives('SIGKILL of orders#1 and inventory#1, then restart', async () => {
        const [orders] = domain!.topology.replicasOf('orders');
        const [inventory] = domain!.topology.replicasOf('inventory');
        await Promise.all([orders!.kill(), inventory!.kill()]);
        await Promise.all([domain!.topology.restart('orders', 1), domain!.topology.restart('inventory', 1)]);
      });
    });

    it('loses nothing and applies nothing twice when the NATS server is killed mid-load and restarted', async () => {
      await survives('NATS server SIGKILLed and restarted', () => nats!.restart());
    });

    it('loses nothing and applies nothing twice when PostgreSQL drops every service connection mid-load', async () => {
      const ourDatabases = domain!.databaseNames;
      const admin = await domain!.database('orders');
      const dropped: number[] = [];
      await survives('every service connection terminated, three times 300 ms apart', async () => {
        for (let round = 0; round < 3; round++) {
          const [terminated] = await admin.query<{ dropped: number }>(
            `select count(*)::int as dropped from (
             select pg_terminate_backend(pid) from pg_stat_activity
             where datname = any ($1::text[]) and application_name like 'orders-domain-%' and pid <> pg_backend_pid()
           ) terminated`,
            [ourDatabases],
          );
          dropped.push(terminated?.dropped ?? 0);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        // A round may find no connection: the pools reconnect only when a service next needs one.
        assert.ok(dropped[0]! > 0, `service connections were dropped (per round: ${dropped.join(', ')})`);
      });
    });
  },
  { privateNatsServer: true },
);

/** Resolves with how long it took until one more of the orders reached a final state. */
async function untilProgress(
  orders: Awaited<ReturnType<DistributedDomain['database']>>,
  ids: readonly string[],
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  const before = await finalCount(orders, ids);
  await until(
    'an order finished after the fault',
    async () => {
      const now = await finalCount(orders, ids);
      return now > before || now === ids.length;
    },
    // The fault may still refuse the look itself.
    { timeoutMs, everyMs: 25, retryOnError: true },
  );
  return Date.now() - started;
}

async function untilStored(
  orders: Awaited<ReturnType<DistributedDomain['database']>>,
  ids: readonly string[],
  count: number,
): Promise<void> {
  await until(
    `${count} orders stored`,
    async () => {
      const [row] = await orders.query<{ stored: number }>(
        'select count(*)::int as stored from orders.orders where order_id = any ($1::uuid[])',
        [ids],
      );
      return (row?.stored ?? 0) >= count;
    },
    { timeoutMs: 60_000 },
  );
}
