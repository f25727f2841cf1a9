import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import { domainServices } from '../../src/hosts/domain-services.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { subscribeUserBody } from '../support/subscriptions.js';
import { assertProblem, parseRawAnswer, rawExchange, storedRows, type Answer } from './support.js';

/** The reproductions of issue 12: each is a 4xx problem+json, and nothing is stored. */
describeEachEngine('hostile HTTP input', (open) => {
  let testDb: TestDatabase;
  let domain: TestHost;
  let port: number;
  const logged: string[] = [];

  before(async () => {
    testDb = await open();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    domain = await startTestHost({
      db: testDb.db,
      modules: domainServices,
      logger: pino({ level: 'info' }, sink),
    });
    await domain.host.app.listen({ port: 0, host: '127.0.0.1' });
    const address = domain.host.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  const json = async (method: 'POST' | 'GET', url: string, payload?: unknown): Promise<Answer> =>
    await domain.inject({
      method,
      url,
      ...(payload === undefined
        ? {}
        : { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
    });

  async function refusedUnchanged(send: () => Promise<Answer>, status: number, code: string, field?: string) {
    const before = await storedRows(testDb.db);
    const answer = await send();
    assertProblem(answer, status, code);
    if (field) {
      const errors = (JSON.parse(answer.body) as { errors?: { field: string }[] }).errors ?? [];
      assert.ok(
        errors.some((error) => error.field === field),
        `${field} named in ${answer.body}`,
      );
    }
    await domain.settled();
    assert.deepEqual(await storedRows(testDb.db), before, 'nothing was stored');
  }

  const order = () => placeOrderBody([{ productId: randomUUID(), quantity: 1, price: 5 }]);

  it('refuses NUL and lone surrogates in every text field, naming the field', async () => {
    const body = order();
    const cases: [string, unknown, string][] = [
      ['/orders', { ...body, customer: { ...body.customer, name: 'Ada\u0000' } }, '/customer/name'],
      [
        '/orders',
        { ...body, payment: { ...body.payment, transactionId: 't\u0000' } },
        '/payment/transactionId',
      ],
      ['/orders', { ...body, items: [{ ...body.items[0], name: '\u0000' }] }, '/items/0/name'],
      [
        '/orders',
        { ...body, shippingAddress: { ...body.shippingAddress, street: 'Main \ud800 St' } },
        '/shippingAddress/street',
      ],
      ['/subscriptions', subscribeUserBody({ planId: 'plan_\ud800' }), '/planId'],
      [
        '/subscriptions',
        subscribeUserBody({ customer: { name: 'A\u0000', email: 'a@example.test' } }),
        '/customer/name',
      ],
    ];
    for (const [url, payload, field] of cases)
      await refusedUnchanged(() => json('POST', url, payload), 400, 'REQUEST.INVALID', field);
  });

  it('refuses NUL in a cancel reason and in an amendment line, and a null cancel body does not cancel', async () => {
    const body = order();
    const productId = body.items[0]!.itemId;
    assert.ok((await json('POST', '/inventory/add', stockBody(productId, 5))).statusCode < 300);
    assert.equal((await json('POST', '/orders', body)).statusCode, 202);
    await domain.settled();
    const cancel = `/orders/${body.orderId}/cancel`;
    await refusedUnchanged(
      () => json('POST', cancel, { reason: 'x\u0000' }),
      400,
      'REQUEST.INVALID',
      '/reason',
    );
    await refusedUnchanged(() => json('POST', cancel, null), 400, 'REQUEST.INVALID');
    await refusedUnchanged(
      () =>
        json('POST', `/orders/${body.orderId}/amendments`, {
          items: [{ itemId: randomUUID(), quantity: 1, name: 'n\u0000', price: 1 }],
        }),
      400,
      'REQUEST.INVALID',
      '/items/0/name',
    );
    const stored = JSON.parse((await json('GET', `/orders/${body.orderId}`)).body) as { status: string };
    assert.notEqual(stored.status, 'cancelled');
  });

  it('refuses money finer than cents, and duplicate keys', async () => {
    const tiny = placeOrderBody([{ productId: randomUUID(), quantity: 1, price: 0.000000001 }]);
    await refusedUnchanged(
      () => json('POST', '/orders', { ...tiny, payment: { ...tiny.payment, amount: 0 } }),
      400,
      'REQUEST.INVALID',
      '/items/0/price',
    );
    const body = order();
    await refusedUnchanged(
      () => json('POST', '/orders', { ...body, payment: { ...body.payment, amount: 1.0000000001 } }),
      400,
      'REQUEST.INVALID',
      '/payment/amount',
    );
    const text = JSON.stringify(body).replace('{', `{"orderId":"${randomUUID()}",`);
    await refusedUnchanged(
      () =>
        domain.inject({
          method: 'POST',
          url: '/orders',
          payload: text,
          headers: { 'content-type': 'application/json' },
        }),
      400,
      'REQUEST.DUPLICATE_PROPERTY',
      '/orderId',
    );
  });

  it('checks cursors and ids before they reach the database', async () => {
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      cursorOf(['2026-01-01T00:00:00Z', 'not-a-uuid']),
      cursorOf(['+275760-09-13T00:00:00Z', randomUUID()]),
      cursorOf(['2026-01-01T00:00:00Z\u0000', randomUUID()]),
      cursorOf({}),
      '%00',
    ])
      await refusedUnchanged(
        () => json('GET', `/orders?cursor=${cursor}`),
        400,
        cursor === '%00' ? 'REQUEST.INVALID' : 'ORDERS.INVALID_CURSOR',
      );
    await refusedUnchanged(
      () => json('POST', '/admin/dead-letters/OrdersService/9223372036854775807/replay'),
      400,
      'REQUEST.INVALID',
    );
  });

  it('answers a huge invalid body briefly and quickly, while /health stays fast', async () => {
    const body = { ...order(), items: Array.from({ length: 16_000 }, () => ({})) };
    const started = Date.now();
    const answers = Promise.all(Array.from({ length: 4 }, () => json('POST', '/orders', body)));
    const health = await domain.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    for (const answer of await answers) {
      assertProblem(answer, 400, 'REQUEST.INVALID');
      assert.ok(answer.body.length < 8_000, `${answer.body.length} bytes`);
    }
    assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms for four`);
  });

  it('answers every failure of Node and Fastify before a route in problem+json', async () => {
    const badUrl = await json('GET', '/notifications/%ff%fe');
    assertProblem(badUrl, 400, 'REQUEST.BAD_URL');
    assertProblem(await json('GET', `/orders/${'a'.repeat(5_000)}`), 414, 'REQUEST.PATH_TOO_LONG');

    const headers = parseRawAnswer(
      await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    assert.equal(headers.status, 431);
    assert.match(headers.contentType, /^application\/problem\+json/);
    const unframed = parseRawAnswer(
      await rawExchange(
        port,
        'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ),
    );
    assert.equal(unframed.status, 400);
    assert.match(unframed.contentType, /^application\/problem\+json/);
    const garbage = parseRawAnswer(await rawExchange(port, 'HELLO\r\n\r\n'));
    assert.equal(garbage.status, 400);
    const tunnel = parseRawAnswer(
      await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
    );
    assert.equal(tunnel.status, 405);
    assert.equal(tunnel.problem.code, 'REQUEST.METHOD_NOT_ALLOWED');
    assert.equal((await domain.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  });

  it('logs no fragment of a refused body', () => {
    const log = logged.join('');
    for (const fragment of ['Ada', 'Main', 'plan_', 'not-a-uuid', 'aaaaaaaaaa'])
      assert.ok(!log.includes(fragment), `the log quotes "${fragment}"`);
  });
});
