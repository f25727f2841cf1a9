import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgliteAutovacuum } from './pglite-autovacuum.js';

/** A connection that only counts the passes (each pass first asks for the statistics' flush). */
function countingConnection(passDurationMs = 0) {
  const counts = { passes: 0 };
  const connection = {
    query: async <Row>(text: string): Promise<Row[]> => {
      if (text.includes('pg_stat_force_next_flush')) {
        counts.passes += 1;
        await sleep(passDurationMs);
      }
      return [];
    },
    maintain: async () => undefined,
  };
  return { counts, connection };
}

describe('PgliteAutovacuum', () => {
  it('looks at the tables only after rows changed, once for the writes of a while', async () => {
    const { counts, connection } = countingConnection();
    const autovacuum = new PgliteAutovacuum(connection, 20);
    await sleep(100);
    assert.equal(counts.passes, 0, 'no pass while nothing is written');
    autovacuum.noteWrites();
    autovacuum.noteWrites();
    await sleep(100);
    assert.equal(counts.passes, 1);
    await sleep(100);
    assert.equal(counts.passes, 1, 'no further pass without further writes');
    await autovacuum.stop();
  });

  it('makes another pass for writes noted while a pass runs', async () => {
    const { counts, connection } = countingConnection(50);
    const autovacuum = new PgliteAutovacuum(connection, 10);
    autovacuum.noteWrites();
    await sleep(30);
    assert.equal(counts.passes, 1);
    autovacuum.noteWrites();
    await sleep(150);
    assert.equal(counts.passes, 2);
    await autovacuum.stop();
  });

  it('schedules nothing once stopped', async () => {
    const { counts, connection } = countingConnection();
    const autovacuum = new PgliteAutovacuum(connection, 10);
    await autovacuum.stop();
    autovacuum.noteWrites();
    await sleep(50);
    assert.equal(counts.passes, 0);
  });
});
