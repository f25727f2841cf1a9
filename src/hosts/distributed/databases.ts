import { openPostgres } from '../../platform/db/postgres.js';

/** Each service keeps its data in a database of its own: `.../orders_domain` → `.../orders_domain_inventory`. */
export function serviceDatabaseUrl(baseUrl: string, service: string): string {
  const url = new URL(baseUrl);
  const base = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'orders_domain';
  url.pathname = `/${base}_${service}`;
  return url.toString();
}

/** Creates the database `url` names, through the server's `postgres` database, unless it exists. */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const name = databaseName(url);
  await asMaintenance(url, async (admin) => {
    const [existing] = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!existing) await admin.exec(`create database "${name}"`);
  });
}

export async function dropDatabase(url: string): Promise<void> {
  await asMaintenance(url, (admin) =>
    admin.exec(`drop database if exists "${databaseName(url)}" with (force)`),
  );
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`Database names must be lowercase SQL identifiers, got ${JSON.stringify(name)}`);
  }
  return name;
}

async function asMaintenance(
  url: string,
  work: (admin: Awaited<ReturnType<typeof openPostgres>>) => Promise<void>,
): Promise<void> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = await openPostgres({ url: maintenance.toString(), poolSize: 1 });
  try {
    await work(admin);
  } finally {
    await admin.close();
  }
}
