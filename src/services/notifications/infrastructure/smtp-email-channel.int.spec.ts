import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';

import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp-server.js';
import { createSmtpEmailChannel, type EmailChannel, type OutgoingEmail } from './smtp-email-channel.js';

const email: OutgoingEmail = {
  notificationId: 'ntf-1',
  to: 'ada@example.test',
  subject: 'Order ord-1 confirmed',
  text: 'Hello Ada,\n\nThank you for your order ord-1.',
};

async function startServer(t: TestContext): Promise<TestSmtpServer> {
  const server = await startTestSmtpServer();
  t.after(() => server.stop());
  return server;
}

function openChannel(t: TestContext, url: string, greetingTimeoutMs?: number): EmailChannel {
  const channel = createSmtpEmailChannel({ url, from: 'orders@shop.test', greetingTimeoutMs });
  t.after(() => channel.close());
  return channel;
}

describe('SMTP email channel', () => {
  it('delivers the message with a Message-ID derived from the notification id', async (t) => {
    const server = await startServer(t);
    const channel = openChannel(t, server.url);

    const { providerMessageId } = await channel.send(email);

    const [delivered] = await server.waitForMessages(1);
    assert.deepEqual(delivered, {
      from: 'orders@shop.test',
      to: ['ada@example.test'],
      subject: email.subject,
      text: email.text,
      messageId: '<ntf-1@orders-domain.local>',
    });
    assert.equal(providerMessageId, '<ntf-1@orders-domain.local>');
  });

  it('reports a 450 as transient, and the retry goes through', async (t) => {
    const server = await startServer(t);
    const channel = openChannel(t, server.url);
    server.failNext(1, 450);

    await assert.rejects(channel.send(email), {
      name: 'EmailDeliveryError',
      transient: true,
      responseCode: 450,
    });
    await channel.send(email);

    const received = await server.waitForMessages(1);
    assert.deepEqual(
      received.map((message) => message.messageId),
      ['<ntf-1@orders-domain.local>'],
    );
  });

  it('reports a 550 as permanent', async (t) => {
    const server = await startServer(t);
    const channel = openChannel(t, server.url);
    server.failNext(1, 550);

    await assert.rejects(channel.send(email), {
      name: 'EmailDeliveryError',
      transient: false,
      responseCode: 550,
    });
    assert.deepEqual(server.received, []);
  });

  it('reports a server that refuses the connection as transient', async (t) => {
    const stopped = await startTestSmtpServer();
    await stopped.stop();
    const channel = openChannel(t, stopped.url);

    await assert.rejects(channel.send(email), { name: 'EmailDeliveryError', transient: true });
  });

  it('reports a server that never greets as transient once the greeting timeout passes', async (t) => {
    const silent = createServer();
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    t.after(() => new Promise((resolve) => silent.close(resolve)));
    const { port } = silent.address() as AddressInfo;
    const channel = openChannel(t, `smtp://127.0.0.1:${port}`, 200);

    await assert.rejects(channel.send(email), { name: 'EmailDeliveryError', transient: true });
  });
});
