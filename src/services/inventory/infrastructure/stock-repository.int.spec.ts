import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, it } from 'node:test';
import { describePostgres, type TestDatabase } from '../../../../test/support/databases.js';
import type { Database } from '../../../platform/db/database.js';
import { migrate } from '../../../platform/db/migrations.js';
import { inventoryMigrations } from './migrations.js';
import { lockStockOf } from './stock-repository.js';

// Two transactions at once need two connections: PGlite has one and runs them one after the
// other, so the lock can only be seen on PostgreSQL (inventory.int.spec.ts covers PGlite's serial run).
describePostgres('the stock levels of a product are locked for the reserving transaction', (open) => {
  let database: TestDatabase;
  let other: Database;
  const product = randomUUID();
  const warehouse = randomUUID();

  beforeEach(async () => {
    database = await open();
    await migrate(database.db, 'inventory', inventoryMigrations);
    other = await database.openAnother();
    await database.db.query(
      `insert into inventory.stock (product_id, warehouse_id, on_hand, reserved, updated_at)
       values ($1, $2, 10, 0, now())`,
      [product, warehouse],
    );
  });
  afterEach(() => database.dispose());

  it('makes a second transaction wait, then read what the first committed', async () => {
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));

    const first = database.db.transaction(async (tx) => {
      const [level] = await lockStockOf(tx, [product]);
      firstLocked();
      await firstMayCommit;
      await tx.query('update inventory.stock set reserved = $2 where product_id = $1', [
        product,
        (level?.reserved ?? 0) + 7,
      ]);
    });
    await locked;

    let secondRead = false;
    const second = other.transaction(async (tx) => {
      const levels = await lockStockOf(tx, [product]);
      secondRead = true;
      return levels;
    });
    // Long enough for an unlocked read to return many times over.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readWhileHeld = secondRead;
    releaseFirst();
    await first;
    assert.equal(readWhileHeld, false, 'the second transaction read the level while the first held it');
    const seen = await second;
    assert.deepEqual(
      seen.map(({ onHand, reserved }) => ({ onHand, reserved })),
      [{ onHand: 10, reserved: 7 }],
      'the second transaction reads the level as the first left it',
    );
  });
});
