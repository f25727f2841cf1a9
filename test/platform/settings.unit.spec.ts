import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterSettings, gatewaySettings } from '../../src/hosts/settings.js';
import { loadSettings } from '../../src/platform/kernel/settings.js';
import { paymentSettings } from '../../src/services/payments/settings.js';
import { subscriptionSettings } from '../../src/services/subscriptions/settings.js';

describe('settings', () => {
  it('takes the declared defaults for unset and empty variables', () => {
    const settings = loadSettings({ PORT: '', LOG_LEVEL: '' });
    assert.equal(settings.port, 3000);
    assert.equal(settings.logLevel, 'info');
    assert.deepEqual(settings.edge.corsOrigins, []);
    assert.equal(settings.nats.namespace, '');
    assert.equal(settings.databaseUrl, undefined);
    assert.equal(paymentSettings.read({}).currency, 'usd');
  });

  it('decodes lists and maps', () => {
    assert.deepEqual(loadSettings({ CORS_ORIGINS: ' http://a , ,http://b' }).edge.corsOrigins, [
      'http://a',
      'http://b',
    ]);
    assert.deepEqual(
      gatewaySettings.read({ GATEWAY_UPSTREAMS: 'orders=http://a:1, orders = http://a:2' }).upstreams,
      {
        orders: ['http://a:1', 'http://a:2'],
      },
    );
    assert.deepEqual(clusterSettings.read({ CLUSTER_REPLICAS: 'inventory=3' }).replicas, { inventory: 3 });
  });

  const refusals: [Record<string, string>, (env: Record<string, string>) => unknown, string][] = [
    [{ PORT: '1.5' }, loadSettings, 'PORT must be an integer from 0 to 65535, got "1.5"'],
    [
      { NATS_NAMESPACE: 'a.b' },
      loadSettings,
      'NATS_NAMESPACE may hold only letters, digits, - and _, got "a.b"',
    ],
    [{ AUTH_JWKS_URL: 'nope' }, loadSettings, 'AUTH_JWKS_URL must be a URL, got "nope"'],
    [
      { PAYMENT_PROVIDER: 'paypal' },
      paymentSettings.read,
      'PAYMENT_PROVIDER must be sandbox or stripe, got "paypal"',
    ],
    [{ PAYMENT_PROVIDER: 'stripe' }, paymentSettings.read, 'PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY'],
    [
      { PAYMENT_CURRENCY: 'USD' },
      paymentSettings.read,
      'PAYMENT_CURRENCY must be three lower-case letters, got "USD"',
    ],
    [{ STRIPE_API_BASE: 'nope' }, subscriptionSettings.read, 'STRIPE_API_BASE must be a URL, got "nope"'],
    [
      { CLUSTER_REPLICAS: 'a=0' },
      clusterSettings.read,
      'CLUSTER_REPLICAS must be an integer from 1 to 32, got "0"',
    ],
    [
      { CLUSTER_REPLICAS: 'a' },
      clusterSettings.read,
      'CLUSTER_REPLICAS must be a list of name=value, got "a"',
    ],
  ];
  for (const [env, read, message] of refusals) {
    it(`refuses ${JSON.stringify(env)}, naming the variable`, () => {
      assert.throws(() => read(env), { name: 'SettingsError', message });
    });
  }
});
