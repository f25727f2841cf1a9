import { describeEachEngine } from '../support/databases.js';
import { domainPerSuite } from '../support/embedded-domain.js';
import { orderPlacementTests, type DomainUnderTest } from './order-placement.suite.js';

describeEachEngine('placing orders through the whole domain', (open) => {
  const { host, db, smtp } = domainPerSuite(open, { smtp: true, env: { CONSUMER_MAX_IN_FLIGHT: '16' } });

  const embedded: DomainUnderTest = {
    request: (options) => host().inject(options),
    settled: (timeoutMs) => host().settled(timeoutMs),
    inventoryQuery: (sql) => db().query(sql),
  };
  orderPlacementTests(() => embedded, smtp);
});
