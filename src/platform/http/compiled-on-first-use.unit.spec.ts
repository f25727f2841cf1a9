import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { validatorFor } from '../../../contracts/index.js';
import { serializersOnFirstUse, validatorOnFirstUse } from './compiled-on-first-use.js';

const Item = Type.Object({ sku: Type.String({ minLength: 1 }), quantity: Type.Integer({ minimum: 1 }) });

/** An app with two routes, counting the schemas compiled. */
async function countingApp() {
  const compiled: string[] = [];
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: serializersOnFirstUse } },
  });
  app.setValidatorCompiler(({ schema, url, httpPart }) =>
    validatorOnFirstUse(() => {
      compiled.push(`${url} ${String(httpPart)}`);
      return validatorFor(schema);
    }),
  );
  const response = { 200: Type.Object({ sku: Type.String() }) };
  app.post('/items', { schema: { body: Item, response } }, (request) => request.body);
  app.post('/other', { schema: { body: Item, response } }, (request) => request.body);
  await app.ready();
  return { app, compiled };
}

describe('route schemas compiled on first use', () => {
  it('compiles nothing when the app gets ready, and only the schemas of the route called', async () => {
    const { app, compiled } = await countingApp();
    assert.deepEqual(compiled, []);
    const reply = await app.inject({ method: 'POST', url: '/items', payload: { sku: 'A-1', quantity: 2 } });
    assert.equal(reply.statusCode, 200);
    assert.deepEqual(compiled, ['/items body']);
  });

  it('compiles a response schema when it is first sent, not when the app gets ready', async () => {
    // fast-json-stringify refuses a reference it cannot resolve, which shows when it compiles.
    const unresolvable = { 200: { $ref: 'missing#' } };
    const eager = Fastify();
    eager.get('/', { schema: { response: unresolvable } }, () => ({}));
    await assert.rejects(async () => {
      await eager.ready();
    }, /missing#/);

    const app = Fastify({
      schemaController: { compilersFactory: { buildSerializer: serializersOnFirstUse } },
    });
    app.get('/', { schema: { response: unresolvable } }, () => ({}));
    app.get('/fine', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, () => ({
      ok: true,
    }));
    await app.ready();
    assert.deepEqual((await app.inject({ url: '/fine' })).json(), { ok: true });
    assert.equal((await app.inject({ url: '/' })).statusCode, 500);
  });

  it('validates as the compiled validator does, with its errors', async () => {
    const { app } = await countingApp();
    const reply = await app.inject({ method: 'POST', url: '/items', payload: { sku: '', quantity: 0 } });
    assert.equal(reply.statusCode, 400);
    const body = reply.json<{ message: string }>();
    assert.match(body.message, /body\/sku must NOT have fewer than 1 characters/);
    assert.match(body.message, /body\/quantity must be >= 1/);
  });

  it('serializes with the response schema: a property it does not name is left out', async () => {
    const { app } = await countingApp();
    const reply = await app.inject({ method: 'POST', url: '/other', payload: { sku: 'B-2', quantity: 1 } });
    assert.deepEqual(reply.json(), { sku: 'B-2' });
  });

  it('compiles a schema that does not compile once, failing each call with its error', () => {
    let compilations = 0;
    const validate = validatorOnFirstUse(() => {
      compilations += 1;
      throw new Error('unknown keyword');
    });
    assert.throws(() => validate({}), /unknown keyword/);
    assert.throws(() => validate({}), /unknown keyword/);
    assert.equal(compilations, 1);
  });

  it('compiles a validator once, however often it is called', () => {
    let compilations = 0;
    const validate = validatorOnFirstUse(() => {
      compilations += 1;
      return validatorFor(Item);
    });
    assert.equal(compilations, 0);
    assert.equal(validate({ sku: 'A' }), false);
    assert.equal(validate.errors?.[0]?.keyword, 'required');
    assert.equal(validate({ sku: 'A', quantity: 1 }), true);
    assert.equal(validate.errors, null);
    assert.equal(compilations, 1);
  });
});
