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
  {
    // A report is written whole at each check and read whole, never queried inside: json keeps its
    // text as written, where jsonb would parse it and print it again. A report of a whole order is
    // about 3 kB, past the 2 kB from which PostgreSQL compresses a row: rows are kept uncompressed up
    // to a page, since every report would otherwise be compressed at each check and expanded at each read.
    name: '103_flow_reports_as_written',
    sql: `
      alter table orders.flow_checks alter column report type json using report::json;
      alter table orders.flow_checks set (toast_tuple_target = 8160);
    `,
  },
];
