import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { domainServices } from '../../src/hosts/domain-services.js';
import type { Database, Sql } from '../../src/platform/db/database.js';
import { openPgliteTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';

/** The database, counting the statements run through it while `counting` is set. */
function counted(db: Database): { db: Database; counter: { counting: boolean; statements: number } } {
  const counter = { counting: false, statements: 0 };
  const count = () => {
    if (counter.counting) counter.statements += 1;
  };
  const sql = (inner: Sql): Sql => ({
    query: (text, params) => {
      count();
      return inner.query(text, params);
    },
    exec: (text) => {
      count();
      return inner.exec(text);
    },
  });
  return {
    counter,
    db: { ...db, ...sql(db), transaction: (work) => db.transaction((tx) => work(sql(tx))) },
  };
}

/**
 * An idle embedded runtime asks its database nothing: the bus's subscriptions and the background
 * workers wait for a publish, a ring or a due time they know of, not for a poll. A machine busy
 * with other work only delays their timers, so it can lower the count, never raise it.
 */
describe('an idle embedded runtime', () => {
  let testDb: TestDatabase;
  let domain: TestHost;
  let counter: { counting: boolean; statements: number };

  before(async () => {
    testDb = await openPgliteTestDatabase();
    const wrapped = counted(testDb.db);
    counter = wrapped.counter;
    domain = await startTestHost({ db: wrapped.db, modules: domainServices });
    await domain.settled();
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  it('runs next to no statements over three idle seconds', async () => {
    counter.counting = true;
    await sleep(3_000);
    counter.counting = false;
    // Dozens of subscriptions and five workers: polling each once a second would run over a hundred.
    assert.ok(counter.statements <= 10, `${counter.statements} statements while idle`);
  });
});
