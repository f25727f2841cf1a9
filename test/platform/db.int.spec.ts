import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database, Migration } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';
import { PgliteAutovacuum } from '../../src/platform/db/pglite-autovacuum.js';
import { openPglite } from '../../src/platform/db/pglite.js';
import { openPostgres } from '../../src/platform/db/postgres.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';

// Deliberately not idempotent: applying either twice fails or leaves a second row behind.
const migrations: readonly Migration[] = [
  {
    name: '001_items',
    sql: 'create table items (id int primary key); create table log (entry text not null);',
  },
  { name: '002_seed', sql: "insert into items values (1), (2); insert into log values ('002');" },
  { name: '003_label', sql: "alter table items add column label text; insert into log values ('003');" },
];
const migrationNames = migrations.map(({ name }) => name);

describeEachEngine('database', (open, engine) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await open();
  });
  afterEach(() => t.dispose());

  it('answers ping', async () => {
    await t.db.ping();
  });

  it('binds parameters as values, never as SQL', async () => {
    const hostile = "x'); drop table pg_class; --";
    const rows = await t.db.query<{ text: string; n: number }>('select $1::text as text, $2::int as n', [
      hostile,
      7,
    ]);
    assert.deepEqual(rows, [{ text: hostile, n: 7 }]);
  });

  it('runs several statements in one exec', async () => {
    await t.db.exec('create table notes (body text); insert into notes values ($$a$$), ($$b$$);');
    assert.deepEqual(await t.db.query('select body from notes order by body'), [
      { body: 'a' },
      { body: 'b' },
    ]);
  });

  it('commits a transaction whose work resolves, returning its result', async () => {
    await t.db.exec('create table notes (body text)');
    const result = await t.db.transaction(async (tx) => {
      await tx.query('insert into notes values ($1)', ['kept']);
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(await t.db.query('select body from notes'), [{ body: 'kept' }]);
  });

  it('leaves nothing behind when the work throws, and rethrows its error without retrying', async () => {
    await t.db.exec('create table notes (body text)');
    const failure = new Error('work failed');
    let attempts = 0;
    await assert.rejects(
      t.db.transaction(async (tx) => {
        attempts += 1;
        await tx.exec("insert into notes values ('lost'); create table also_lost (id int);");
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(attempts, 1);
    assert.deepEqual(await t.db.query('select body from notes'), []);
    assert.deepEqual(await t.db.query("select to_regclass('also_lost') as table"), [{ table: null }]);
  });

  it('refuses to commit a transaction whose work swallowed a database error, and keeps none of it', async () => {
    await t.db.exec('create table notes (body text not null)');
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await tx.query("insert into notes values ('lost')");
        await tx.query('insert into notes values (null)').catch(() => undefined);
      }),
    );
    assert.deepEqual(await t.db.query('select body from notes'), []);
    assert.deepEqual(await t.db.query('select 1 as healthy'), [{ healthy: 1 }]);
  });

  it('runs a statement again after a migration changed the table it reads', async () => {
    await t.db.exec("create table notes (body text); insert into notes values ('first')");
    const read = () => t.db.query('select * from notes');
    assert.deepEqual(await read(), [{ body: 'first' }]);
    await t.db.exec('alter table notes add column author text');
    assert.deepEqual(await read(), [{ body: 'first', author: null }]);
  });

  it('returns int8 and numeric as numbers, jsonb as objects and timestamptz as Dates', async () => {
    const rows = await t.db.query(
      "select 9007199254740991::int8 as big, 12.34::numeric(10, 2) as amount, $1::jsonb as doc, '2024-05-06T07:08:09.123Z'::timestamptz as at",
      [JSON.stringify({ lines: [{ sku: 'A-1', quantity: 2 }], note: null })],
    );
    assert.deepEqual(rows, [
      {
        big: Number.MAX_SAFE_INTEGER,
        amount: 12.34,
        doc: { lines: [{ sku: 'A-1', quantity: 2 }], note: null },
        at: new Date('2024-05-06T07:08:09.123Z'),
      },
    ]);
  });

  describe('migrate', () => {
    it('applies every migration in order and reports their names', async () => {
      assert.deepEqual(await migrate(t.db, 'orders', migrations), migrationNames);
      assert.deepEqual(await t.db.query('select id, label from orders.items order by id'), [
        { id: 1, label: null },
        { id: 2, label: null },
      ]);
      assert.deepEqual(await t.db.query('select name from orders.schema_migrations order by name'), [
        { name: '001_items' },
        { name: '002_seed' },
        { name: '003_label' },
      ]);
    });

    it('applies nothing when the schema is already up to date', async () => {
      await migrate(t.db, 'orders', migrations);
      assert.deepEqual(await migrate(t.db, 'orders', migrations), []);
    });

    it('applies only the migrations added since the last run', async () => {
      await migrate(t.db, 'orders', migrations.slice(0, 1));
      assert.deepEqual(await migrate(t.db, 'orders', migrations), ['002_seed', '003_label']);
    });

    it('applies each migration exactly once when two processes migrate the same schema at once', async () => {
      const other = await t.openAnother();
      const [first, second] = await Promise.all([
        migrate(t.db, 'orders', migrations),
        migrate(other, 'orders', migrations),
      ]);
      assert.deepEqual([...first, ...second].sort(), migrationNames);
      assert.deepEqual(await t.db.query('select entry from orders.log order by entry'), [
        { entry: '002' },
        { entry: '003' },
      ]);
    });

    it('keeps the tables of different schemas apart', async () => {
      await migrate(t.db, 'orders', migrations);
      await migrate(t.db, 'inventory', migrations);
      await t.db.query('delete from inventory.items');
      assert.equal(await countItems(t.db, 'orders'), 2);
      assert.equal(await countItems(t.db, 'inventory'), 0);
    });

    it('rejects a schema name that is not a lowercase identifier', async () => {
      for (const schema of ['Orders', 'orders; drop schema public', '1orders', '']) {
        await assert.rejects(migrate(t.db, schema, migrations), /lowercase SQL identifier/);
      }
    });
  });

  if (engine === 'pglite') {
    it('keeps data in its directory across restarts, creating the directory', async () => {
      const root = await mkdtemp(join(tmpdir(), 'pglite-'));
      const dataDir = join(root, 'nested', 'data');
      try {
        const first = await openPglite({ dataDir });
        await first.exec("create table notes (body text); insert into notes values ('kept');");
        await first.close();
        const second = await openPglite({ dataDir });
        assert.deepEqual(await second.query('select body from notes'), [{ body: 'kept' }]);
        await second.close();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }

  if (engine === 'pglite') {
    it("does autovacuum's work, which PGlite's single-user PostgreSQL never does", async () => {
      await t.db.exec('create table churn (id int primary key, body text)');
      await t.db.query("insert into churn select g, 'x' from generate_series(1, 1000) as g");
      await t.db.query('delete from churn where id > 10');
      const stats = async () => {
        // Statistics reach the views in batches; this makes the next statement send them.
        await t.db.query('select pg_stat_force_next_flush()');
        return t.db.query<{ dead: number; analysed: boolean }>(
          `select n_dead_tup::int as dead, last_analyze is not null as analysed
           from pg_stat_user_tables where relname = 'churn'`,
        );
      };
      assert.deepEqual(await stats(), [{ dead: 990, analysed: false }]);
      const autovacuum = new PgliteAutovacuum(
        { query: (text, params) => t.db.query(text, params), maintain: (sql) => t.db.exec(sql) },
        60_000,
      );
      await autovacuum.pass();
      await autovacuum.stop();
      assert.deepEqual(await stats(), [{ dead: 0, analysed: true }]);
    });
  }

  if (engine === 'postgres') {
    it('reads a table again after another process changed its shape under a prepared statement', async () => {
      await t.db.exec("create table notes (body text); insert into notes values ('first')");
      const read = () => t.db.query('select * from notes');
      assert.deepEqual(await read(), [{ body: 'first' }]);
      // Through `query`, as another process's change would be: nothing here learns of it.
      const other = await t.openAnother();
      await other.query('alter table notes add column author text');
      assert.deepEqual(await read(), [{ body: 'first', author: null }]);
    });

    it('retries the deadlock victim until both transactions commit', async () => {
      await t.db.exec(
        'create table accounts (id int primary key, touches int not null); insert into accounts values (1, 0), (2, 0);',
      );
      const bothHoldTheirFirstRow = barrier(2);
      let attempts = 0;
      const touch = (first: number, second: number) =>
        t.db.transaction(async (tx) => {
          attempts += 1;
          await tx.query('update accounts set touches = touches + 1 where id = $1', [first]);
          await bothHoldTheirFirstRow();
          await tx.query('update accounts set touches = touches + 1 where id = $1', [second]);
        });

      await Promise.all([touch(1, 2), touch(2, 1)]);

      assert.equal(attempts, 3, 'exactly one transaction, the deadlock victim, ran twice');
      assert.deepEqual(await t.db.query('select id, touches from accounts order by id'), [
        { id: 1, touches: 2 },
        { id: 2, touches: 2 },
      ]);
    });

    it('survives the server dropping an idle pooled connection', async () => {
      const [{ pid } = { pid: 0 }] = await t.db.query<{ pid: number }>('select pg_backend_pid() as pid');
      const other = await t.openAnother();
      const [terminated] = await other.query<{ done: boolean }>('select pg_terminate_backend($1) as done', [
        pid,
      ]);
      assert.equal(terminated?.done, true, `backend ${pid} was terminated`);
      await sleep(100); // lets the idle client receive its termination notice
      await t.db.ping();
      const [now] = await t.db.query<{ pid: number }>('select pg_backend_pid() as pid');
      assert.notEqual(now?.pid, pid, 'the pool serves from a new connection');
      assert.deepEqual(await other.query('select 1 from pg_stat_activity where pid = $1', [pid]), []);
    });

    it('fails at open with an error naming the unreachable server', async () => {
      await assert.rejects(
        openPostgres({ url: 'postgres://postgres:secret@127.0.0.1:1/nowhere' }),
        (error: Error) =>
          error.message.startsWith(
            'Could not connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/nowhere',
          ) && !error.message.includes('secret'),
      );
    });
  }
});

async function countItems(db: Database, schema: string): Promise<number> {
  const [row] = await db.query<{ count: number }>(`select count(*) as count from ${schema}.items`);
  return row?.count ?? Number.NaN;
}

/** Resolves for everyone once `parties` callers have arrived; later callers pass straight through. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived === parties) release();
    return allArrived;
  };
}
