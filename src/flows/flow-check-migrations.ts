import type { Migration } from '../platform/db/database.js';

/** One row per order correlation id: the last conformance report and when to check again. */
export const flowCheckMigrations: readonly Migration[] = [
  {
    name: '101_flow_checks',
    sql: `
      create table flow_checks (
        correlation_id text primary key,
        due_at timestamptz,
        checked_at timestamptz,
        conforms boolean,
        report jsonb
      );
      create index flow_checks_due on flow_checks (due_at) where due_at is not null;
    `,
  },
  {
    // When the domain first took each message from the bus: step budgets run from there, so a
    // message that waited in a queue under load does not make its effects overdue.
    name: '102_timeline_first_handled',
    sql: 'alter table orders.timeline add column first_handled_at timestamptz;',
  },
];
