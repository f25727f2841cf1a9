import { describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openPostgres } from '../../src/platform/db/postgres.js';

/** A server a suite needs from outside its process. */
export type Service = 'postgres' | 'nats' | 'nats-server';

export const postgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const sharedNatsUrl = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Why a needed service cannot be used. */
export interface Absence {
  readonly service: Service;
  readonly reason: string;
}

/** What the user chose to run without, as `TEST_SKIP_SERVICES=postgres,nats`. Ignored on CI. */
const optedOut = new Set(
  (process.env['TEST_SKIP_SERVICES'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
);

/**
 * Declares a suite that needs the services, or, when some are absent, a suite of one test that says
 * why: a failure, unless the user opted out of every absent service (never on CI), then a skip that
 * the run's summary counts.
 */
export function describeNeeding(title: string, absent: readonly Absence[], body: () => void): void {
  if (absent.length === 0) {
    describe(title, body);
    return;
  }
  const why = absent.map((absence) => absence.reason).join('; ');
  const skipped = !process.env['CI'] && absent.every((absence) => optedOut.has(absence.service));
  describe(title, () => {
    if (skipped) {
      it(`needs ${absent.map((absence) => absence.service).join(' and ')}`, { skip: why }, () => {});
    } else {
      it('finds the services it needs', () => {
        const optOut = [...new Set(absent.map((absence) => absence.service))].join(',');
        throw new Error(
          `${why}. Start it, point TEST_DATABASE_URL / TEST_NATS_URL at it, or run without it by TEST_SKIP_SERVICES=${optOut} (not on CI)`,
        );
      });
    }
  });
}

let postgres: Promise<Absence | undefined> | undefined;
let nats: Promise<Absence | undefined> | undefined;

/** Whether PostgreSQL answers at TEST_DATABASE_URL; asked once per process. */
export function probePostgres(): Promise<Absence | undefined> {
  postgres ??= (async () => {
    try {
      const db = await openPostgres({ url: postgresUrl, poolSize: 1 });
      await db.close();
      return undefined;
    } catch (error) {
      return {
        service: 'postgres',
        reason: `PostgreSQL is not reachable at ${postgresUrl}: ${String(error)}`,
      };
    }
  })();
  return postgres;
}

/** Whether NATS with JetStream answers at TEST_NATS_URL; asked once per process. */
export function probeNats(): Promise<Absence | undefined> {
  nats ??= (async () => {
    try {
      const nc = await connect({ servers: sharedNatsUrl, timeout: 2_000 });
      try {
        await (await jetstreamManager(nc)).getAccountInfo();
      } finally {
        await nc.close();
      }
      return undefined;
    } catch (error) {
      return {
        service: 'nats',
        reason: `NATS with JetStream is not reachable at ${sharedNatsUrl}: ${String(error)}`,
      };
    }
  })();
  return nats;
}
