import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Database } from '../../src/platform/db/database.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import type { TestDatabase } from './databases.js';
import { startTestHost, type TestHost } from './host.js';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-server.js';

export interface SuiteDomainOptions {
  readonly env?: Record<string, string>;
  /** Mail goes to a local SMTP server, instead of being recorded only. */
  readonly smtp?: boolean;
}

/**
 * Every domain service in one test host on a database of its own, shared by the tests of the calling
 * suite: started before the first, stopped after the last.
 */
export function domainPerSuite(open: () => Promise<TestDatabase>, options: SuiteDomainOptions = {}) {
  let testDb: TestDatabase;
  let smtpServer: TestSmtpServer | undefined;
  let testHost: TestHost;

  before(async () => {
    testDb = await open();
    smtpServer = options.smtp ? await startTestSmtpServer() : undefined;
    const smtpEnv: Record<string, string> = smtpServer ? { SMTP_URL: smtpServer.url } : {};
    testHost = await startTestHost({
      db: testDb.db,
      modules: domainServices,
      env: { ...smtpEnv, ...options.env },
    });
  });

  after(async () => {
    await testHost.stop();
    await smtpServer?.stop();
    await testDb.dispose();
  });

  return {
    host: (): TestHost => testHost,
    db: (): Database => testDb.db,
    smtp: (): TestSmtpServer => {
      assert.ok(smtpServer, 'the suite asked for no SMTP server');
      return smtpServer;
    },
  };
}
