import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { OrderCompleted, OrderConfirmed } from '../../contracts/index.js';
import { FlowConformanceWorker } from '../../src/flows/flow-conformance-worker.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import type { Clock } from '../../src/platform/kernel/clock.js';
import { ordersService } from '../../src/services/orders/index.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { messageFor } from '../support/envelopes.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody, stockBody } from '../support/orders.js';

interface FlowConformance {
  conforms: boolean | null;
  path: { type: string; flow: string | null; step: string | null; verdict: string }[];
  runs: { flow: string; status: string; awaiting: { steps: string[]; due: string }[] }[];
  departures: {
    kind: string;
    flow: string | null;
    messageId: string | null;
    steps: string[];
    detail: string;
  }[];
}

interface OrderView {
  orderId: string;
  status: string;
  correlationId: string;
  timeline: { messageId: string; type: string }[];
  flowConformance: FlowConformance;
}

/** The clock of a host whose time a test moves forward, instead of waiting. */
class AdjustableClock implements Clock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

const flowChecker = (host: TestHost): FlowConformanceWorker => {
  const worker = host.host.services
    .flatMap((service) => service.parts.workers ?? [])
    .find((each) => each instanceof FlowConformanceWorker);
  assert.ok(worker, 'the host runs a flow conformance worker');
  return worker;
};

/** The value of one series in a Prometheus text exposition; 0 while it has none. */
const sampleOf = (metrics: string, series: string): number => {
  const line = metrics.split('\n').find((text) => text.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

const counted = (metrics: string, flow: string, kind: string): number =>
  sampleOf(metrics, `flow_departures_total{flow="${flow}",kind="${kind}"}`);

function client(host: TestHost) {
  const json = async <T>(url: string) => {
    const response = await host.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 200, response.body);
    return JSON.parse(response.body) as T;
  };
  return {
    order: (orderId: string) => json<OrderView>(`/orders/${orderId}`),
    metrics: async () => (await host.inject({ method: 'GET', url: '/metrics' })).body,
    place: async (body: object) => {
      const response = await host.inject({ method: 'POST', url: '/orders', payload: body });
      assert.equal(response.statusCode, 202, response.body);
    },
    stock: async (productId: string, quantity: number) => {
      const response = await host.inject({
        method: 'POST',
        url: '/inventory/add',
        payload: stockBody(productId, quantity),
      });
      assert.equal(response.statusCode, 200, response.body);
    },
    json,
  };
}

describeEachEngine('orders checked against their documented flows', (open) => {
  let testDb: TestDatabase;
  let domain: TestHost;
  let api: ReturnType<typeof client>;

  before(async () => {
    testDb = await open();
    domain = await startTestHost({ db: testDb.db, modules: domainServices });
    api = client(domain);
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  /** A placed order whose stock could not be reserved: rejected, as the flow allows. */
  async function rejectedOrder(): Promise<OrderView> {
    const productId = randomUUID();
    await api.stock(productId, 1);
    const body = placeOrderBody([{ productId, quantity: 5 }]);
    await api.place(body);
    await domain.settled();
    return api.order(body.orderId);
  }

  it('finds that a completed order walked OrderPlacement step by step, and counts no departure', async () => {
    const before = await api.metrics();
    const productId = randomUUID();
    await api.stock(productId, 10);
    const body = placeOrderBody([{ productId, quantity: 2 }]);
    await api.place(body);
    await domain.settled();

    const order = await api.order(body.orderId);
    assert.equal(order.status, 'completed');
    assert.deepEqual(order.flowConformance.departures, []);
    assert.equal(order.flowConformance.conforms, true);
    assert.deepEqual(
      order.flowConformance.runs.map((run) => [run.flow, run.status]),
      [['OrderPlacement', 'finished']],
    );
    assert.deepEqual(
      order.flowConformance.path.map((entry) => entry.type),
      order.timeline.map((entry) => entry.type),
    );
    for (const [type, step] of [
      ['PlaceOrder', 'place_order'],
      ['InventoryReserved', 'inventory_reserved'],
      ['OrderConfirmed', 'order_confirmed'],
      ['OrderCompleted', 'order_completed'],
    ]) {
      assert.equal(order.flowConformance.path.find((entry) => entry.type === type)?.step, step, type);
    }
    const after = await api.metrics();
    for (const kind of ['unexpected', 'skipped', 'overdue', 'version_mismatch'])
      assert.equal(counted(after, 'OrderPlacement', kind), counted(before, 'OrderPlacement', kind), kind);
    assert.ok(
      sampleOf(after, 'flow_checks_total') > sampleOf(before, 'flow_checks_total'),
      'the checks are counted in /metrics',
    );
  });

  it('flags a confirmation that no reservation preceded, on the order and in /metrics', async () => {
    const order = await rejectedOrder();
    assert.equal(order.status, 'rejected');
    assert.equal(order.flowConformance.conforms, true);
    const reservation = order.timeline.find((entry) => entry.type === 'ReserveInventory');
    assert.ok(reservation);
    const before = counted(await api.metrics(), 'OrderPlacement', 'skipped');

    const confirmation = messageFor(
      OrderConfirmed,
      { ...OrderConfirmed.example, orderId: order.orderId },
      { correlationid: order.correlationId, causationid: reservation.messageId },
    );
    await domain.bus.publish([confirmation]);
    await domain.settled();

    const flagged = await api.order(order.orderId);
    assert.equal(flagged.flowConformance.conforms, false);
    const departure = flagged.flowConformance.departures.find(
      (candidate) => candidate.messageId === confirmation.envelope.id,
    );
    assert.equal(departure?.kind, 'skipped');
    assert.equal(departure.flow, 'OrderPlacement');
    assert.ok(departure.steps.includes('inventory_reserved'), departure.steps.join(', '));
    assert.equal(counted(await api.metrics(), 'OrderPlacement', 'skipped'), before + 1);
  });

  it('flags a message with the order correlation id that no documented flow accounts for', async () => {
    const order = await rejectedOrder();
    const before = counted(await api.metrics(), 'none', 'unexpected');

    const stray = messageFor(
      OrderCompleted,
      { ...OrderCompleted.example, orderId: order.orderId },
      { correlationid: order.correlationId },
    );
    await domain.bus.publish([stray]);
    await domain.settled();

    const flagged = await api.order(order.orderId);
    assert.equal(flagged.flowConformance.conforms, false);
    assert.deepEqual(
      flagged.flowConformance.departures.map(({ kind, flow, messageId }) => ({ kind, flow, messageId })),
      [{ kind: 'unexpected', flow: null, messageId: stray.envelope.id }],
    );
    assert.equal(
      flagged.flowConformance.path.find((entry) => entry.type === 'OrderCompleted')?.verdict,
      'departs',
    );
    assert.equal(counted(await api.metrics(), 'none', 'unexpected'), before + 1);

    const diagrams = await api.json<{ observed: string; documented: { flow: string; diagram: string }[] }>(
      `/orders/${order.orderId}/diagram`,
    );
    assert.match(diagrams.observed, /^sequenceDiagram\n/);
    assert.match(diagrams.observed, /OrdersService->>InventoryService: ReserveInventory 0\.0\.1/);
    assert.match(diagrams.observed, /departs - No documented flow starts with OrderCompleted/);
    assert.deepEqual(
      diagrams.documented.map((documented) => documented.flow),
      ['OrderPlacement'],
    );
    assert.match(diagrams.documented[0]?.diagram ?? '', /alt Inventory available/);
  });

  it('serves the AsyncAPI document of the domain', async () => {
    const document = await api.json<{ asyncapi: string; channels: Record<string, unknown> }>(
      '/asyncapi.json',
    );
    assert.equal(document.asyncapi, '3.0.0');
    assert.ok('orders.events.OrderConfirmed' in document.channels);
  });
});

describeEachEngine('a step that never comes within its budget', (open) => {
  let testDb: TestDatabase;
  let orders: TestHost;
  const clock = new AdjustableClock();

  before(async () => {
    testDb = await open();
    // No inventory service: nobody answers ReserveInventory.
    orders = await startTestHost({ db: testDb.db, modules: [ordersService], clock });
  });

  after(async () => {
    await orders.stop();
    await testDb.dispose();
  });

  it('is awaited until its budget runs out, then flagged as overdue and counted', async () => {
    const api = client(orders);
    const body = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    await api.place(body);
    await orders.settled();

    const waiting = await api.order(body.orderId);
    assert.equal(waiting.flowConformance.conforms, true);
    const [run] = waiting.flowConformance.runs;
    assert.equal(run?.status, 'running');
    assert.deepEqual(
      run.awaiting.map((awaited) => awaited.steps),
      [['inventory_reserved', 'reservation_failed']],
    );
    const before = counted(await api.metrics(), 'OrderPlacement', 'overdue');

    clock.advance(Date.parse(run.awaiting[0]?.due ?? '') - clock.now().getTime() + 1000);
    // The checker sleeps until the due time it read from the old time: moving the clock must wake it.
    flowChecker(orders).wake();
    await orders.settled();

    const overdue = await api.order(body.orderId);
    assert.equal(overdue.flowConformance.conforms, false);
    assert.deepEqual(
      overdue.flowConformance.departures.map(({ kind, steps }) => ({ kind, steps })),
      [{ kind: 'overdue', steps: ['inventory_reserved', 'reservation_failed'] }],
    );
    assert.equal(counted(await api.metrics(), 'OrderPlacement', 'overdue'), before + 1);
  });
});
