import type { Database, Migration, Sql } from './database.js';

const LOWERCASE_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Brings `schema` up to date with `migrations`, each applied once, in order, in its own
 * transaction. Safe to run from several processes at once. Returns the names it applied.
 */
export async function migrate(
  db: Database,
  schema: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  if (!LOWERCASE_IDENTIFIER.test(schema)) {
    throw new Error(`Schema name must be a lowercase SQL identifier, got ${JSON.stringify(schema)}`);
  }
  const quoted = `"${schema}"`;

  // Concurrent `create ... if not exists` can still collide on the catalogs, hence the lock here too.
  await db.transaction(async (tx) => {
    await lockMigrationsOf(tx, schema);
    await tx.exec(`
      create schema if not exists ${quoted};
      create table if not exists ${quoted}.schema_migrations (
        name text primary key,
        applied_at timestamptz not null default now()
      );
    `);
  });

  const alreadyApplied = await appliedNames(db, quoted);
  const applied: string[] = [];
  for (const migration of migrations.filter(({ name }) => !alreadyApplied.has(name))) {
    const appliedHere = await db.transaction(async (tx) => {
      await lockMigrationsOf(tx, schema);
      if ((await appliedNames(tx, quoted)).has(migration.name)) return false;
      // Migrations name their tables unqualified so that one migration can build any schema.
      await tx.exec(`set local search_path to ${quoted}`);
      await tx.exec(migration.sql);
      await tx.query(`insert into ${quoted}.schema_migrations (name) values ($1)`, [migration.name]);
      return true;
    });
    if (appliedHere) applied.push(migration.name);
  }
  return applied;
}

/** Held until the transaction ends; serializes migrators of one schema across processes. */
async function lockMigrationsOf(tx: Sql, schema: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('migrate:' || $1))`, [schema]);
}

async function appliedNames(sql: Sql, quotedSchema: string): Promise<Set<string>> {
  const rows = await sql.query<{ name: string }>(`select name from ${quotedSchema}.schema_migrations`);
  return new Set(rows.map(({ name }) => name));
}
