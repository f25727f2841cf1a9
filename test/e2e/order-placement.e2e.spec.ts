import { after, before } from 'node:test';
import { domainServices } from '../../src/hosts/domain-services.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { orderPlacementTests, type DomainUnderTest } from './order-placement.suite.js';

describeEachEngine('placing orders through the whole domain', (open) => {
  let testDb: TestDatabase;
  let smtp: TestSmtpServer;
  let domain: TestHost;

  before(async () => {
    testDb = await open();
    smtp = await startTestSmtpServer();
    domain = await startTestHost({
      db: testDb.db,
      modules: domainServices,
      env: { SMTP_URL: smtp.url, CONSUMER_MAX_IN_FLIGHT: '16' },
    });
  });

  after(async () => {
    await domain.stop();
    await smtp.stop();
    await testDb.dispose();
  });

  const embedded: DomainUnderTest = {
    request: (options) => domain.inject(options),
    settled: (timeoutMs) => domain.settled(timeoutMs),
    inventoryQuery: (sql) => testDb.db.query(sql),
  };
  orderPlacementTests(
    () => embedded,
    () => smtp,
  );
});
