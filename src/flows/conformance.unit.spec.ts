import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PaymentFlow, type FlowDeclaration } from '../../contracts/flows.js';
import { checkConformance, type ConformanceReport, type ObservedMessage } from './conformance.js';

const start = Date.parse('2026-07-04T14:48:00.000Z');
const at = (ms: number) => new Date(start + ms).toISOString();

/** `id` of type `type`, caused by `cause`, `ms` after the start. */
const message = (
  id: string,
  type: string,
  cause: string | null,
  ms = 0,
  version = '1.0.0',
): ObservedMessage => ({ id, type, version, time: at(ms), causationId: cause });

const v = (id: string) => ({ id, version: '1.0.0' });

/** A generic flow: an order is acknowledged, then accepted (and shipped, then done) or refused. */
const checkout: FlowDeclaration = {
  id: 'Checkout',
  name: 'Checkout',
  version: '1.0.0',
  summary: 'A test flow.',
  owners: [],
  origin: 'project',
  budgetMs: 1000,
  exhaustive: true,
  interruptedBy: ['Cancelled'],
  steps: [
    { id: 'buyer', kind: 'actor', title: 'Buyer orders', actor: 'Buyer', then: [{ step: 'order' }] },
    {
      id: 'order',
      kind: 'message',
      title: 'Order',
      message: v('Order'),
      then: [{ step: 'ack' }],
      thenOneOf: [{ step: 'accepted' }, { step: 'refused' }],
    },
    { id: 'ack', kind: 'message', title: 'Ack', message: v('Ack') },
    {
      id: 'accepted',
      kind: 'message',
      title: 'Accepted',
      message: v('Accepted'),
      then: [{ step: 'shipped' }],
    },
    {
      id: 'shipped',
      kind: 'message',
      title: 'Shipped',
      message: v('Shipped'),
      repeats: true,
      withinMs: 5000,
      then: [{ step: 'done' }],
    },
    { id: 'done', kind: 'message', title: 'Done', message: v('Done') },
    { id: 'refused', kind: 'message', title: 'Refused', message: v('Refused') },
  ],
};

const cancellation: FlowDeclaration = {
  ...checkout,
  id: 'Cancellation',
  interruptedBy: [],
  steps: [{ id: 'cancelled', kind: 'message', title: 'Cancelled', message: v('Cancelled') }],
};

const happyPath = [
  message('o', 'Order', null, 0),
  message('a', 'Ack', 'o', 100),
  message('acc', 'Accepted', 'o', 200),
  message('s1', 'Shipped', 'acc', 300),
  message('s2', 'Shipped', 'acc', 300),
  message('d', 'Done', 's2', 400),
];

const check = (
  observed: readonly ObservedMessage[],
  nowMs = 500,
  flows: readonly FlowDeclaration[] = [checkout, cancellation],
): ConformanceReport =>
  checkConformance({ flows, observed, now: new Date(start + nowMs), causeGraceMs: 2000 });

const kindsOf = (report: ConformanceReport) => report.departures.map((departure) => departure.kind);

describe('flow conformance', () => {
  it('holds for a history that walks the steps in order, and finishes the run', () => {
    const report = check(happyPath);
    assert.deepEqual(report.departures, []);
    assert.equal(report.conforms, true);
    assert.deepEqual(report.runs, [
      { flow: 'Checkout', version: '1.0.0', startedBy: 'o', status: 'finished', awaiting: [] },
    ]);
    assert.deepEqual(
      report.path.map((entry) => [entry.messageId, entry.step, entry.verdict]),
      [
        ['o', 'order', 'conforms'],
        ['a', 'ack', 'conforms'],
        ['acc', 'accepted', 'conforms'],
        ['s1', 'shipped', 'conforms'],
        ['s2', 'shipped', 'conforms'],
        ['d', 'done', 'conforms'],
      ],
    );
    assert.equal(report.nextCheckAt, null);
  });

  it('reaches the same verdict whatever order the messages were recorded in', () => {
    const verdict = ({ conforms, runs, departures, path }: ConformanceReport) => ({
      conforms,
      runs,
      departures,
      steps: Object.fromEntries(path.map((entry) => [entry.messageId, [entry.step, entry.verdict]])),
    });
    const shuffled = [happyPath[5], happyPath[2], happyPath[0], happyPath[4], happyPath[1], happyPath[3]];
    assert.deepEqual(verdict(check(shuffled as ObservedMessage[])), verdict(check(happyPath)));
  });

  it('flags a message that jumps over a step, naming the steps it skipped', () => {
    const report = check([
      message('o', 'Order', null),
      message('a', 'Ack', 'o', 10),
      message('s', 'Shipped', 'o', 20),
    ]);
    assert.deepEqual(
      report.departures.map(({ kind, messageId, steps }) => ({ kind, messageId, steps })),
      [{ kind: 'skipped', messageId: 's', steps: ['accepted'] }],
    );
    assert.equal(report.conforms, false);
  });

  it('flags the second branch of a choice the flow had already taken', () => {
    const report = check([
      message('o', 'Order', null),
      message('a', 'Ack', 'o', 10),
      message('r', 'Refused', 'o', 20),
      message('acc', 'Accepted', 'o', 30),
    ]);
    assert.deepEqual(kindsOf(report), ['unexpected']);
    const [departure] = report.departures;
    assert.equal(departure?.messageId, 'acc');
    assert.match(departure.detail, /Refused had already taken the other branch/);
  });

  it('flags a step that comes twice after the same step, unless it repeats', () => {
    const report = check([...happyPath, message('a2', 'Ack', 'o', 150)]);
    assert.deepEqual(kindsOf(report), ['unexpected']);
    assert.equal(report.departures[0]?.messageId, 'a2');
  });

  it('flags a message an exhaustive flow does not name, and tolerates it in a business view', () => {
    const history = [...happyPath, message('x', 'Audited', 'acc', 250)];
    assert.deepEqual(kindsOf(check(history)), ['unexpected']);

    const view = check(history, 500, [{ ...checkout, exhaustive: false }]);
    assert.equal(view.conforms, true);
    assert.equal(view.path.find((entry) => entry.messageId === 'x')?.verdict, 'tolerated');
  });

  it('finds the step a message follows through the messages a business view leaves out', () => {
    const report = check(
      [
        message('o', 'Order', null),
        message('a', 'Ack', 'o', 10),
        message('x', 'Audited', 'o', 20),
        message('acc', 'Accepted', 'x', 30),
        message('s', 'Shipped', 'acc', 40),
        message('d', 'Done', 's', 50),
      ],
      60,
      [{ ...checkout, exhaustive: false }],
    );
    assert.deepEqual(report.departures, []);
  });

  it('awaits the next steps until their budget runs out, then flags them as overdue', () => {
    const early = check([message('o', 'Order', null)], 500);
    assert.equal(early.conforms, true);
    const [run] = early.runs;
    assert.deepEqual(run?.awaiting, [
      { after: 'order', steps: ['ack'], due: at(1000) },
      { after: 'order', steps: ['accepted', 'refused'], due: at(1000) },
    ]);
    assert.equal(run.status, 'running');
    assert.equal(early.nextCheckAt, at(1000));

    const late = check([message('o', 'Order', null)], 1500);
    assert.deepEqual(kindsOf(late), ['overdue', 'overdue']);
    assert.deepEqual(
      late.departures.map((departure) => departure.steps),
      [['ack'], ['accepted', 'refused']],
    );
  });

  it('keeps one identity for an overdue step whether it is still missing or came late', () => {
    const missing = check([message('o', 'Order', null), message('r', 'Refused', 'o', 10)], 1500);
    const cameLate = check(
      [message('o', 'Order', null), message('r', 'Refused', 'o', 10), message('a', 'Ack', 'o', 1200)],
      1500,
    );
    assert.deepEqual(
      missing.departures.map((departure) => departure.key),
      cameLate.departures.map((departure) => departure.key),
    );
    assert.equal(cameLate.departures[0]?.messageId, 'a');
  });

  it('runs a budget from when the cause could first be handled, not from its publication', () => {
    const queued = { ...message('o', 'Order', null), firstHandledAt: at(3000) };
    const handled = [queued, message('a', 'Ack', 'o', 3500), message('r', 'Refused', 'o', 3600)];
    assert.deepEqual(check(handled, 3700).departures, []);
    assert.deepEqual(
      check([queued], 3700).runs[0]?.awaiting.map((awaited) => awaited.due),
      [at(4000), at(4000)],
    );
    assert.deepEqual(
      kindsOf(
        check(
          handled.map(({ firstHandledAt: _first, ...published }) => published),
          3700,
        ),
      ),
      ['overdue', 'overdue'],
    );
  });

  it('uses the budget of the step itself when it has one', () => {
    const report = check([...happyPath.slice(0, 3), message('s', 'Shipped', 'acc', 4000)], 4100);
    assert.deepEqual(report.departures, []);
  });

  it('flags a message at another version than the flow documents', () => {
    const report = check([message('o', 'Order', null, 0, '2.0.0'), ...happyPath.slice(1)]);
    assert.deepEqual(
      report.departures.map(({ kind, messageId }) => ({ kind, messageId })),
      [{ kind: 'version_mismatch', messageId: 'o' }],
    );
  });

  it('stops awaiting steps once the flow is interrupted', () => {
    const report = check([message('o', 'Order', null), message('c', 'Cancelled', null, 300)], 5000);
    assert.deepEqual(report.departures, []);
    assert.deepEqual(
      report.runs.map((run) => [run.flow, run.status]),
      [
        ['Checkout', 'interrupted'],
        ['Cancellation', 'finished'],
      ],
    );
  });

  it('flags a message that no flow starts with, and everything it caused', () => {
    const report = check([...happyPath, message('z', 'Done', null, 450), message('z2', 'Ack', 'z', 460)]);
    assert.deepEqual(
      report.departures.map(({ kind, flow, messageId }) => ({ kind, flow, messageId })),
      [
        { kind: 'unexpected', flow: null, messageId: 'z' },
        { kind: 'unexpected', flow: null, messageId: 'z2' },
      ],
    );
  });

  it('gives a message whose cause was not observed yet a grace period before judging it', () => {
    const stray = message('z', 'Done', 'never-seen', 400);
    const waiting = check([...happyPath, stray], 1000);
    assert.equal(waiting.conforms, true);
    assert.equal(waiting.path.at(-1)?.verdict, 'awaiting_cause');
    assert.equal(waiting.nextCheckAt, at(2400));

    const judged = check([...happyPath, stray], 2500);
    assert.deepEqual(kindsOf(judged), ['unexpected']);
  });

  it('checks each root a correlation holds as its own run', () => {
    const second = happyPath.map((entry) => ({
      ...entry,
      id: `${entry.id}'`,
      causationId: entry.causationId === null ? null : `${entry.causationId}'`,
    }));
    const report = check([...happyPath, ...second]);
    assert.deepEqual(
      report.runs.map((run) => run.startedBy),
      ['o', "o'"],
    );
    assert.equal(report.conforms, true);
  });

  it('follows the catalog PaymentFlow through a failed payment and its retry', () => {
    const report = checkConformance({
      flows: [PaymentFlow],
      now: new Date(start + 10_000),
      causeGraceMs: 0,
      observed: [
        message('p', 'PlaceOrder', null, 0, '0.0.1'),
        message('r', 'RequestPayment', 'p', 10, '0.0.1'),
        message('i1', 'PaymentInitiated', 'r', 20, '0.0.1'),
        message('i2', 'PaymentInitiated', 'i1', 30, '0.0.1'),
        message('ok', 'PaymentProcessed', 'i2', 40, '1.0.0'),
        message('adj', 'InventoryAdjusted', 'ok', 50, '1.0.1'),
        message('done', 'PaymentComplete', 'adj', 60, '0.0.2'),
      ],
    });
    assert.deepEqual(report.departures, []);
    assert.equal(report.runs[0]?.status, 'finished');
    assert.equal(report.path.find((entry) => entry.messageId === 'r')?.verdict, 'tolerated');
  });
});
