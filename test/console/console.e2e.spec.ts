/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildConsole } from '../../scripts/console-build.js';
import { consoleRoutes } from '../../src/hosts/console/plugin.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import { tokenFor } from '../support/auth.js';
import { openPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { launchChromium, screenshot, seriousViolations } from './browser.js';

describe('the console in a real browser', { timeout: 170_000 }, () => {
  let database: TestDatabase;
  let domain: TestHost;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  const tokens = { admin: '', staff: '', customer: '' };
  const offMachine: string[] = [];
  const accessibility = new Map<string, string[]>();

  const api = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
    const response = await domain.inject({ method, url, ...(payload ? { payload } : {}) });
    assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json<T>();
  };

  /** Every page of the console is checked with axe-core as it is shown. */
  const checkAccessibility = async (name: string) => {
    const violations = await seriousViolations(page);
    accessibility.set(
      name,
      violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help}`),
    );
    await screenshot(page, name);
  };

  const signIn = async (token: string) => {
    await page.goto(`${baseUrl}/console/`);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  before(async () => {
    await buildConsole();
    database = await openPostgresTestDatabase();
    domain = await startTestHost({ db: database.db, modules: domainServices, plugins: [consoleRoutes] });
    baseUrl = await domain.host.app.listen({ port: 0, host: '127.0.0.1' });
    tokens.admin = await tokenFor({ sub: 'ada-admin', role: 'admin' });
    tokens.staff = await tokenFor({ sub: 'sam-staff', role: 'staff' });
    tokens.customer = await tokenFor({ sub: randomUUID(), role: 'customer' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl) && !request.url().startsWith('data:'))
        offMachine.push(request.url());
    });
  });

  // What the page showed at the end of each test, kept with the screenshots to explain a failure.
  afterEach(async (context) => {
    await screenshot(page, `end-of-${context.name.replace(/[^a-z]+/gi, '-').slice(0, 40)}`);
  });

  after(async () => {
    await browser.close();
    await domain.stop();
    await database.dispose();
  });

  it('refuses a customer token, in the page and at the server', async () => {
    await signIn(tokens.customer);
    await page.getByText('a customer token is refused').waitFor();
    const field = page.getByLabel('Access token');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await checkAccessibility('sign-in-refused');
    const overview = await fetch(`${baseUrl}/console/api/overview`, {
      headers: { authorization: `Bearer ${tokens.customer}` },
    });
    assert.equal(overview.status, 403, 'the server refuses the overview stream to a customer');
    const anonymous = await fetch(`${baseUrl}/console/api/overview`);
    assert.equal(anonymous.status, 401, 'and to a caller without a token');
  });

  it('shows a staff member the live overview, without the admin pages', async () => {
    await signIn(tokens.staff);
    await page.getByText('Orders per second now').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Dead letters' }).count(), 0);
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('follows an order placed through the API to completed, draws its path, and lowers the stock', async () => {
    await signIn(tokens.admin);
    const figure = page.locator('[data-figure="all orders"] .figure-value');
    await figure.waitFor();
    const ordersBefore = Number(await figure.textContent());

    const productId = randomUUID();
    const stock = stockBody(productId, 10);
    await api('POST', '/inventory/add', stock);
    const order = placeOrderBody([{ productId, quantity: 2, name: 'Console mug' }]);
    await api('POST', '/orders', order);
    // Pushed by the server: the page was not reloaded.
    await page.waitForFunction(
      (expected) =>
        Number(document.querySelector('[data-figure="all orders"] .figure-value')?.textContent) >= expected,
      ordersBefore + 1,
    );
    await checkAccessibility('overview');

    await page.goto(`${baseUrl}/console/#/orders/${order.orderId}`);
    let reloads = 0;
    page.on('load', () => reloads++);
    await page.locator('h1 .status-completed').waitFor({ timeout: 30_000 });
    // Each diagram is drawn on its own: the documented flows may be in before the observed path.
    await page
      .getByRole('img', { name: 'What happened to this order' })
      .locator('svg')
      .waitFor({ timeout: 30_000 });
    assert.equal(reloads, 0, 'the order reached completed on its page without a reload');
    await checkAccessibility('order');

    await page.goto(`${baseUrl}/console/#/inventory`);
    const row = page.locator(`tr[data-product="${productId}"]`);
    await row.locator('[data-column="available"]').getByText('8').waitFor();
    assert.equal(await row.locator('[data-column="reserved"]').textContent(), '0');
    assert.equal(await row.locator('[data-column="onHand"]').textContent(), '8');
    await checkAccessibility('inventory');

    // Cancelling from the console puts the two units back.
    await page.goto(`${baseUrl}/console/#/orders/${order.orderId}`);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the order' }).click();
    await page.locator('h1 .status-cancelled').waitFor({ timeout: 30_000 });
    await domain.settled();
    await page.goto(`${baseUrl}/console/#/inventory`);
    await row.locator('[data-column="onHand"]').getByText('10').waitFor();

    await page.goto(`${baseUrl}/console/#/payments?orderId=${order.orderId}`);
    await page.getByText('Every call to the payment provider').waitFor();
    await checkAccessibility('payments');
    await page.goto(`${baseUrl}/console/#/orders/${order.orderId}`);
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    const email = page.locator('main ul li a[href^="#/notifications/"]').first();
    await email.waitFor();
    await email.click();
    await page.getByRole('article', { name: 'The email as the customer saw it' }).waitFor();
    await checkAccessibility('notification');
  });

  it('shows the problem beside the field it names', async () => {
    await page.goto(`${baseUrl}/console/#/inventory`);
    const form = page.getByRole('form', { name: 'Receive stock' });
    await form.getByLabel('Product id').fill(randomUUID());
    await form.getByLabel('Warehouse id').fill(randomUUID());
    await form.getByLabel('Units received').fill('0');
    await form.getByRole('button', { name: 'Add stock' }).click();
    const units = form.getByLabel('Units received');
    await page.waitForFunction(() =>
      document.querySelector('form[aria-label="Receive stock"] input[name="quantity"][aria-invalid="true"]'),
    );
    const describedBy = await units.getAttribute('aria-describedby');
    const message = await page.locator(`[id="${describedBy}"]`).textContent();
    assert.match(message ?? '', /1/, `the message beside the field: ${message}`);
    await checkAccessibility('inventory-form-error');
  });

  it('replays a poison message from the dead-letters page once the cause is fixed', async () => {
    const productId = randomUUID();
    await api('POST', '/inventory/add', stockBody(productId, 5));
    // The bug: any change to this product's stock level fails, as a faulty release might.
    await database.db.exec(`
      create function inventory.poison() returns trigger language plpgsql as $$
        begin raise exception 'stock level of % is poisoned', new.product_id; end $$;
      create trigger poison before update on inventory.stock for each row
        when (new.product_id = '${productId}') execute function inventory.poison();
    `);
    const victim = placeOrderBody([{ productId, quantity: 1 }]);
    await api('POST', '/orders', victim);

    await domain.settled();
    await page.goto(`${baseUrl}/console/#/dead-letters`);
    const letter = page.locator('article[data-dead-letter]').filter({ hasText: 'is poisoned' });
    await letter.waitFor();
    await checkAccessibility('dead-letters');

    await database.db.exec('drop trigger poison on inventory.stock; drop function inventory.poison();');
    await letter.getByRole('button', { name: 'Replay' }).click();
    await letter.getByRole('dialog').getByRole('button', { name: 'Replay it' }).click();
    await page.getByRole('status').filter({ hasText: ': handled.' }).waitFor();
    await page.goto(`${baseUrl}/console/#/orders/${victim.orderId}`);
    await page.locator('h1 .status-completed').waitFor({ timeout: 30_000 });
  });

  it('lists orders, subscriptions and the catalog, at laptop and phone widths', async () => {
    await page.goto(`${baseUrl}/console/#/orders?status=completed`);
    await page.locator('tbody tr').first().waitFor();
    await checkAccessibility('orders');
    await page.goto(`${baseUrl}/console/#/subscriptions?userId=${randomUUID()}`);
    await page.getByText('This user has no subscription.').waitFor();
    await checkAccessibility('subscriptions');
    await page.goto(`${baseUrl}/console/#/catalog`);
    await page.getByRole('heading', { name: 'Messages' }).waitFor();
    // The flows come last: opening one draws its diagram.
    await page.locator('details > summary').last().click();
    await page.locator('figure.diagram svg').waitFor();
    await checkAccessibility('catalog');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/console/#/overview`);
    await page.getByText('Orders per second now').waitFor();
    await checkAccessibility('overview-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the overview fits a phone's width (${overflow} px too wide)`);
  });

  it('found no serious or critical accessibility violation and sent no request off the machine', async () => {
    const failures = [...accessibility].filter(([, violations]) => violations.length > 0);
    assert.deepEqual(failures, [], JSON.stringify(failures, null, 2));
    assert.ok(accessibility.size >= 10, `axe-core ran on ${accessibility.size} pages`);
    assert.deepEqual(offMachine, []);
  });
});
