import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPublicKey, randomUUID, verify, type JsonWebKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEFAULT_AUDIENCE, EMBEDDED_ISSUER } from '../../src/platform/auth/settings.js';
import { testKeysDir, tokenFor } from '../support/auth.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (overrides: object = {}) => ({
  sub: 'test-admin',
  roles: ['admin'],
  iss: EMBEDDED_ISSUER,
  aud: DEFAULT_AUDIENCE,
  exp: Math.floor(Date.now() / 1000) + 600,
  ...overrides,
});

async function signWith(key: JWK, payload: object): Promise<string> {
  return new SignJWT({ ...payload })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid ?? '' })
    .sign(await importJWK(key, 'ES256'));
}

describeEachEngine('bearer tokens', (open) => {
  let testDb: TestDatabase;
  let domain: TestHost;
  let privateJwk: JWK;

  before(async () => {
    testDb = await open();
    domain = await startTestHost({ db: testDb.db, modules: [] });
    privateJwk = (
      JSON.parse(await readFile(join(testKeysDir, 'auth', 'signing-key.json'), 'utf8')) as { privateJwk: JWK }
    ).privateJwk;
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  const backlogWith = (token: string) =>
    domain.inject({ method: 'GET', url: '/admin/backlog', headers: { authorization: `Bearer ${token}` } });

  it('accepts a token of its own issuer', async () => {
    assert.equal((await backlogWith(await signWith(privateJwk, claims()))).statusCode, 200);
  });

  it('refuses forged, foreign, expired, tampered and unsigned tokens with 401 and a Bearer challenge', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const strangerKey = { ...(await exportJWK(privateKey)), kid: privateJwk.kid };
    const valid = await signWith(privateJwk, claims());
    const [header, , signature] = valid.split('.');
    const refused: Record<string, string> = {
      'bad signature': await signWith(strangerKey, claims()),
      'wrong issuer': await signWith(privateJwk, claims({ iss: 'https://elsewhere.example' })),
      'wrong audience': await signWith(privateJwk, claims({ aud: 'another-api' })),
      expired: await signWith(privateJwk, claims({ exp: Math.floor(Date.now() / 1000) - 60 })),
      'no expiry': await signWith(privateJwk, { ...claims(), exp: undefined }),
      tampered: `${header}.${base64url(claims({ sub: 'someone-else' }))}.${signature}`,
      'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`,
      'no role': await signWith(privateJwk, claims({ roles: ['superuser'] })),
      'customer without a uuid': await signWith(privateJwk, claims({ roles: ['customer'], sub: 'bob' })),
      garbage: 'not-a-token',
    };
    for (const [why, token] of Object.entries(refused)) {
      const answer = await backlogWith(token);
      assert.equal(answer.statusCode, 401, why);
      assert.equal(answer.json<{ code: string }>().code, 'AUTH.TOKEN_INVALID', why);
      assert.match(String(answer.headers['www-authenticate']), /error="invalid_token"/, why);
    }
  });

  it('issues through `npm run token` a token that only it prints, that an independent verifier accepts', async () => {
    const env = { ...process.env, DATA_DIR: testKeysDir };
    const sub = randomUUID();
    for (const args of [
      ['run', 'token', '--', '--sub', sub, '--role', 'customer', '--ttl', '15m'],
      ['run', '--silent', 'token', '--', '--sub', sub, '--role', 'customer', '--ttl', '15m'],
    ]) {
      const { stdout } = await promisify(execFile)('npm', args, { env });
      assert.match(stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, `npm ${args.join(' ')} printed only a token`);
      const token = stdout.trim();
      // node:crypto, not the server's code path: the public key as the server publishes it.
      const jwks = (await domain.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{
        keys: JWK[];
      }>();
      const [headerPart, payloadPart, signaturePart] = token.split('.') as [string, string, string];
      const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString()) as {
        alg: string;
        kid: string;
      };
      const publicJwk = jwks.keys.find((key) => key.kid === header.kid);
      assert.ok(publicJwk, 'the token names a published key');
      assert.equal(header.alg, 'ES256');
      const valid = verify(
        'sha256',
        Buffer.from(`${headerPart}.${payloadPart}`),
        {
          key: createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' }),
          dsaEncoding: 'ieee-p1363',
        },
        Buffer.from(signaturePart, 'base64url'),
      );
      assert.equal(valid, true, 'the signature verifies with node:crypto');
      const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString()) as Record<string, unknown>;
      assert.equal(payload['sub'], sub);
      assert.deepEqual(payload['roles'], ['customer']);
      assert.equal(payload['aud'], DEFAULT_AUDIENCE);
      const lifetime = (payload['exp'] as number) - (payload['iat'] as number);
      assert.equal(lifetime, 15 * 60);
      const orders = await domain.inject({
        method: 'GET',
        url: '/orders',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(orders.statusCode, 404, 'accepted (no OrdersService here, so no such route)');
    }
  });

  it('answers 429 after too many failed authentications from one address', async () => {
    const strict = await startTestHost({
      db: testDb.db,
      modules: [],
      env: { RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3' },
    });
    try {
      const statuses: number[] = [];
      const retryAfter: unknown[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = await strict.inject({
          method: 'GET',
          url: '/admin/backlog',
          headers: { authorization: 'Bearer x.y.z' },
        });
        statuses.push(answer.statusCode);
        retryAfter.push(answer.headers['retry-after']);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      // Told to wait out what is left of the window, in whole seconds.
      for (const seconds of retryAfter.slice(3)) {
        assert.match(String(seconds), /^\d+$/);
        assert.ok(Number(seconds) >= 1 && Number(seconds) <= 60, `Retry-After ${String(seconds)}`);
      }
      assert.equal((await strict.inject({ method: 'GET', url: '/admin/backlog' })).statusCode, 200);
    } finally {
      await strict.stop();
    }
  });
});

describeEachEngine('tokens of an external OpenID Connect provider', (open) => {
  let testDb: TestDatabase;
  let domain: TestHost;
  let jwksServer: Server;
  let providerKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  const issuer = 'https://idp.example.test/realms/shop';

  before(async () => {
    testDb = await open();
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    providerKey = privateKey;
    const jwks = {
      keys: [{ ...(await exportJWK(publicKey)), kid: 'provider-key', alg: 'RS256', use: 'sig' }],
    };
    jwksServer = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const address = jwksServer.address() as { port: number };
    domain = await startTestHost({
      db: testDb.db,
      modules: [],
      env: {
        AUTH_JWKS_URL: `http://127.0.0.1:${address.port}/protocol/openid-connect/certs`,
        AUTH_ISSUER: issuer,
        AUTH_AUDIENCE: 'orders-api',
        AUTH_ROLES_CLAIM: 'realm_access.roles',
      },
    });
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const providerToken = (overrides: object = {}) =>
    new SignJWT({ realm_access: { roles: ['offline_access', 'admin'] }, aud: 'orders-api', ...overrides })
      .setProtectedHeader({ alg: 'RS256', kid: 'provider-key' })
      .setSubject('f3b2a1c0-0000-4000-8000-000000000001')
      .setIssuer(issuer)
      .setExpirationTime('5m')
      .sign(providerKey);

  const backlogWith = (token: string) =>
    domain.inject({ method: 'GET', url: '/admin/backlog', headers: { authorization: `Bearer ${token}` } });

  it("accepts the provider's tokens, verified against the JWKS it serves, with roles from the configured claim", async () => {
    assert.equal((await backlogWith(await providerToken())).statusCode, 200);
    const staff = await backlogWith(await providerToken({ realm_access: { roles: ['staff'] } }));
    assert.equal(staff.statusCode, 403);
  });

  it("refuses the embedded issuer's tokens and the provider's tokens for another audience", async () => {
    assert.equal((await backlogWith(await tokenFor({ sub: 'test-admin', role: 'admin' }))).statusCode, 401);
    assert.equal((await backlogWith(await providerToken({ aud: 'another-api' }))).statusCode, 401);
  });
});
