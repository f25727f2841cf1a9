import type { Database } from '../db/database.js';

/** Dead letters not replayed yet, per consumer, in one service's schema. */
export async function openDeadLetterCounts(db: Database, schema: string): Promise<Map<string, number>> {
  const rows = await db.query<{ consumer: string; count: number }>(
    `select consumer, count(*)::int as count from ${schema}.dead_letters
     where replayed_at is null group by consumer`,
  );
  return new Map(rows.map((row) => [row.consumer, row.count]));
}
