import { Type, type Static, type TSchema } from 'typebox';
import { exampleIds } from '../../contracts/examples.js';
import { flowSequenceDiagram, observedSequenceDiagram } from '../catalog/mermaid.js';
import { orderFlows } from './order-flows.js';
import type { FlowCheck } from './flow-check-repository.js';
import type { TimelineEntry } from './timeline-repository.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const PathEntryView = Type.Object({
  messageId: Type.String(),
  type: Type.String(),
  version: Type.String(),
  time: Type.String({ format: 'date-time' }),
  flow: Nullable(Type.String({ description: 'The documented flow the message belongs to.' })),
  step: Nullable(Type.String({ description: 'The step of that flow it stood for.' })),
  verdict: Type.Union(
    [
      Type.Literal('conforms'),
      Type.Literal('departs'),
      Type.Literal('tolerated'),
      Type.Literal('awaiting_cause'),
    ],
    {
      description:
        '`awaiting_cause`: its cause is not on the timeline yet; it is judged after a grace period.',
    },
  ),
});

const DepartureView = Type.Object({
  kind: Type.Union([
    Type.Literal('unexpected'),
    Type.Literal('skipped'),
    Type.Literal('overdue'),
    Type.Literal('version_mismatch'),
  ]),
  flow: Nullable(Type.String({ description: 'null: no documented flow accounts for the message.' })),
  messageId: Nullable(Type.String({ description: 'null for a step that never came.' })),
  steps: Type.Array(Type.String(), {
    description: 'Steps skipped, overdue, or the step the message stood for.',
  }),
  detail: Type.String(),
});

const FlowRunView = Type.Object({
  flow: Type.String(),
  version: Type.String(),
  startedBy: Type.String({ description: 'The message that started this run of the flow.' }),
  status: Type.Union([Type.Literal('running'), Type.Literal('finished'), Type.Literal('interrupted')]),
  awaiting: Type.Array(
    Type.Object({
      after: Type.String(),
      steps: Type.Array(Type.String(), { description: 'One of these steps is due.' }),
      due: Type.String({ format: 'date-time' }),
    }),
  ),
});

/** The order's observed path matched against its documented flows, as last checked. */
export const FlowConformanceView = Type.Object(
  {
    conforms: Nullable(Type.Boolean({ description: 'null until the first check.' })),
    checkedAt: Nullable(Type.String({ format: 'date-time' })),
    path: Type.Array(PathEntryView),
    runs: Type.Array(FlowRunView),
    departures: Type.Array(DepartureView),
  },
  {
    description:
      'Every message with the order correlation id must walk a documented flow (OrderPlacement, OrderCancellation, OrderAmendment) step by step, each within its time budget.',
  },
);

export function flowConformanceView(check: FlowCheck | undefined): Static<typeof FlowConformanceView> {
  const report = check?.report;
  if (!report) return { conforms: null, checkedAt: null, path: [], runs: [], departures: [] };
  return {
    conforms: report.conforms,
    checkedAt: check.checkedAt,
    path: report.path.map((entry) => ({ ...entry })),
    runs: report.runs.map((run) => ({
      ...run,
      awaiting: run.awaiting.map((awaited) => ({ ...awaited, steps: [...awaited.steps] })),
    })),
    departures: report.departures.map(({ kind, flow, messageId, steps, detail }) => ({
      kind,
      flow,
      messageId,
      steps: [...steps],
      detail,
    })),
  };
}

export const OrderDiagramView = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    conforms: Nullable(Type.Boolean()),
    observed: Type.String({
      description: 'Mermaid sequence diagram of the messages that actually happened, departures as notes.',
    }),
    documented: Type.Array(
      Type.Object({
        flow: Type.String(),
        version: Type.String(),
        diagram: Type.String({ description: 'Mermaid sequence diagram of the documented flow.' }),
      }),
      { description: 'The documented flows the order ran through (order placement until it is checked).' },
    ),
  },
  {
    title: 'OrderDiagrams',
    examples: [
      {
        orderId: exampleIds.order,
        conforms: true,
        observed: [
          'sequenceDiagram',
          '  actor Client',
          '  participant OrdersService',
          '  Client->>OrdersService: PlaceOrder 0.0.1',
        ].join('\n'),
        documented: [
          { flow: 'OrderPlacement', version: '1.0.0', diagram: 'sequenceDiagram\n  actor Customer' },
        ],
      },
    ],
  },
);

/** What happened to the order as a Mermaid sequence diagram, beside the flows it should have followed. */
export function orderDiagramView(
  orderId: string,
  timeline: readonly TimelineEntry[],
  check: FlowCheck | undefined,
): Static<typeof OrderDiagramView> {
  const report = check?.report;
  const departureOf = (messageId: string) =>
    report?.departures
      .filter((departure) => departure.messageId === messageId)
      .map((departure) => departure.detail)
      .join(' / ');
  const ran = new Set(report?.runs.map((run) => run.flow) ?? []);
  const documented = ran.size > 0 ? orderFlows.filter((flow) => ran.has(flow.id)) : orderFlows.slice(0, 1);
  return {
    orderId,
    conforms: report?.conforms ?? null,
    observed: observedSequenceDiagram(
      timeline.map((entry) => {
        const departure = departureOf(entry.messageId);
        return {
          type: entry.type,
          version: entry.version,
          source: entry.source,
          ...(departure ? { departure } : {}),
        };
      }),
      report?.departures
        .filter((departure) => departure.messageId === null)
        .map((departure) => departure.detail),
    ),
    documented: documented.map((flow) => ({
      flow: flow.id,
      version: flow.version,
      diagram: flowSequenceDiagram(flow),
    })),
  };
}
