import { after, before } from 'node:test';
import type { Envelope } from '../../contracts/index.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { poisonMessageTests, type PoisonDomain } from './poison.suite.js';

describeEachEngine('poison messages on the embedded bus', (open) => {
  let testDb: TestDatabase;
  let domain: TestHost;

  before(async () => {
    testDb = await open();
    domain = await startTestHost({ db: testDb.db, modules: domainServices });
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  const embedded: PoisonDomain = {
    runtime: 'embedded',
    request: (options) => domain.inject(options),
    sendRaw: (channel, _id, body) =>
      domain.bus.publish([{ channel, envelope: JSON.parse(body) as Envelope }]),
    settled: (timeoutMs) => domain.settled(timeoutMs),
  };
  poisonMessageTests(() => embedded);
});
