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
];
