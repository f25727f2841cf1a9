import { after, before } from 'node:test';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { orderPlacementTests, type DomainUnderTest } from '../e2e/order-placement.suite.js';
import { startDistributedDomain, type DistributedDomain } from './support/domain.js';
import { describeDistributed } from './support/infrastructure.js';

describeDistributed('placing orders through the whole domain [distributed: a process per service]', () => {
  let smtp: TestSmtpServer | undefined;
  let domain: DistributedDomain | undefined;

  before(async () => {
    smtp = await startTestSmtpServer();
    domain = await startDistributedDomain({ env: { SMTP_URL: smtp.url } });
  });

  after(async () => {
    await domain?.dispose();
    await smtp?.stop();
  });

  const distributed: DomainUnderTest = {
    request: (options) => domain!.request(options),
    settled: (timeoutMs) => domain!.settled(timeoutMs),
    inventoryQuery: async (sql) => (await domain!.database('inventory')).query(sql),
  };
  orderPlacementTests(
    () => distributed,
    () => smtp!,
  );
});
