import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowGraph } from '../src/flows/flow-graph.js';
import { checkConformance, type ObservedMessage } from '../src/flows/conformance.js';
import {
  OrderAmendmentFlow,
  OrderCancellationFlow,
  OrderPlacementFlow,
  flows,
  type MessageStep,
} from './flows.js';
import { findContract } from './registry.js';

const orderFlows = [OrderPlacementFlow, OrderCancellationFlow, OrderAmendmentFlow];

const start = Date.UTC(2026, 6, 4);

type Entries = readonly (readonly [string, number | null])[];

/**
 * A history as the running system records it, 10 ms apart: `[type, number of its cause]`, numbered
 * from `first` so that a later history can continue an earlier one.
 */
function recorded(entries: Entries, first = 0): ObservedMessage[] {
  return entries.map(([type, cause], index) => ({
    id: `m${first + index}`,
    type,
    version: findContract(type)?.version ?? 'unknown',
    time: new Date(start + (first + index) * 10).toISOString(),
    causationId: cause === null ? null : `m${cause}`,
  }));
}

/** The departures an hour later, when every budget has run out. */
const departuresOf = (observed: readonly ObservedMessage[], nowMs = 3_600_000) =>
  checkConformance({
    flows: orderFlows,
    observed,
    now: new Date(start + nowMs),
    causeGraceMs: 0,
  }).departures.map((departure) => departure.detail);

/** How every order's history begins: the order placed and its stock asked for. */
const reservationRequested: Entries = [
  ['PlaceOrder', null],
  ['OrderPlaced', 0],
  ['ReserveInventory', 0],
];

/** How the history of an order whose stock was reserved goes on: its payment requested. */
const paymentRequested: Entries = [
  ...reservationRequested,
  ['InventoryReserved', 2],
  ['RequestPayment', 3],
  ['PaymentInitiated', 4],
];

/** Sequences recorded from the running system (`GET /orders/{id}` timelines, causes as indexes). */
const placedAndCompleted = recorded([
  ...paymentRequested,
  ['PaymentProcessed', 4],
  ['OrderConfirmed', 6],
  ['NotificationSent', 6],
  ['InventoryAdjusted', 7],
  ['InventoryAdjusted', 7],
  ['NotificationSent', 7],
  ['CapturePayment', 10],
  ['PaymentComplete', 12],
  ['OrderCompleted', 13],
]);

/** Histories the order flows accept without a departure, by the behaviour they record. */
const accepted: readonly { readonly behaviour: string; readonly history: readonly ObservedMessage[] }[] = [
  {
    behaviour: 'an order reserved, paid, confirmed, taken off the shelf, captured and completed',
    history: placedAndCompleted,
  },
  {
    behaviour: 'a payment that succeeds after the provider was busy twice',
    history: recorded([
      ...paymentRequested,
      ['PaymentAttemptFailed', 4],
      ['PaymentAttemptFailed', 4],
      ['PaymentProcessed', 4],
      ['OrderConfirmed', 8],
      ['NotificationSent', 8],
      ['InventoryAdjusted', 9],
      ['NotificationSent', 9],
      ['CapturePayment', 11],
      ['PaymentComplete', 13],
      ['OrderCompleted', 14],
    ]),
  },
  {
    behaviour: 'a declined payment that cancels the order and releases its stock',
    history: recorded([
      ...paymentRequested,
      ['PaymentFailed', 4],
      ['OrderCancelled', 6],
      ['NotificationSent', 6],
      ['InventoryReleased', 7],
      ['NotificationSent', 7],
    ]),
  },
  {
    behaviour: 'an order rejected for want of stock, with the inventory team alerted',
    history: recorded([
      ...reservationRequested,
      ['InventoryReservationFailed', 2],
      ['OutOfStock', 2],
      ['OrderRejected', 3],
      ['NotificationSent', 4],
      ['NotificationSent', 5],
    ]),
  },
  {
    behaviour: 'a completed order cancelled later: restocked, refunded and the customer told',
    history: [
      ...placedAndCompleted,
      ...recorded(
        [
          ['OrderCancelled', null],
          ['InventoryAdjusted', 15],
          ['NotificationSent', 15],
          ['PaymentRefunded', 15],
          ['NotificationSent', 18],
        ],
        15,
      ),
    ],
  },
  {
    behaviour: 'amendments up and down with the payment following, and one inventory refuses',
    history: recorded([
      ['OrderAmended', null],
      ['InventoryAmendmentApplied', 0],
      ['InventoryAdjusted', 0],
      ['AdjustPayment', 1],
      ['PaymentAdjusted', 3],
      ['OrderAmended', null],
      ['InventoryAmendmentApplied', 5],
      ['InventoryAdjusted', 5],
      ['AdjustPayment', 6],
      ['PaymentRefunded', 8],
      ['PaymentRefunded', 8],
      ['PaymentAdjusted', 8],
      ['NotificationSent', 9],
      ['NotificationSent', 10],
      ['OrderAmended', null],
      ['InventoryAmendmentRejected', 14],
      ['OrderAmendmentRejected', 15],
      ['NotificationSent', 16],
    ]),
  },
];

describe('the documented flows', () => {
  for (const flow of flows) {
    describe(`${flow.id} ${flow.version}`, () => {
      it('has unique step ids and edges that lead to declared steps', () => {
        assert.equal(new Set(flow.steps.map((step) => step.id)).size, flow.steps.length);
        assert.doesNotThrow(() => new FlowGraph(flow));
      });

      it('starts with a message, or leads from its first step to one', () => {
        const graph = new FlowGraph(flow);
        const messages = flow.steps.filter((step): step is MessageStep => step.kind === 'message');
        assert.ok(messages.some((step) => graph.entryFor(step.message.id) !== undefined));
      });

      it('names registered messages at the versions the registry declares', () => {
        for (const step of flow.steps) {
          if (step.kind !== 'message') continue;
          const contract = findContract(step.message.id);
          if (contract === undefined) {
            // The catalog's flows may name messages of services not built yet.
            assert.equal(flow.origin, 'catalog', `${step.id}: ${step.message.id} is not in the registry`);
            continue;
          }
          assert.equal(step.message.version, contract.version, `${flow.id}/${step.id}`);
        }
      });
    });
  }
});

describe('the order flows describe what the system does', () => {
  for (const { behaviour, history } of accepted) {
    it(`accept ${behaviour}`, () => {
      assert.deepEqual(departuresOf(history), []);
    });
  }

  it('flag a confirmation that no reservation or payment preceded', () => {
    const unreserved = recorded([
      ...reservationRequested,
      ['InventoryReservationFailed', 2],
      ['OrderRejected', 3],
      ['NotificationSent', 4],
      ['OrderConfirmed', 2],
    ]);
    assert.deepEqual(departuresOf(unreserved, 1000), [
      'OrderConfirmed came after ReserveInventory without InventoryReserved, RequestPayment, PaymentProcessed before it',
    ]);
  });
});
