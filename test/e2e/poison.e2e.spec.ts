import type { Envelope } from '../../contracts/index.js';
import { describeEachEngine } from '../support/databases.js';
import { domainPerSuite } from '../support/embedded-domain.js';
import { poisonMessageTests, type PoisonDomain } from './poison.suite.js';

describeEachEngine('poison messages on the embedded bus', (open) => {
  const { host } = domainPerSuite(open);

  const embedded: PoisonDomain = {
    runtime: 'embedded',
    request: (options) => host().inject(options),
    sendRaw: (channel, _id, body) =>
      host().bus.publish([{ channel, envelope: JSON.parse(body) as Envelope }]),
    settled: (timeoutMs) => host().settled(timeoutMs),
  };
  poisonMessageTests(() => embedded);
});
