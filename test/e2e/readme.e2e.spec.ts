import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { AddInventory, PlaceOrder, violationsOf } from '../../contracts/index.js';

/** The README's walkthrough must keep working: its request bodies are checked against the contracts. */
describe('the README walkthrough', () => {
  it('sends bodies that satisfy the contracts', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const bodies = [
      ...readme.matchAll(
        /curl -si? localhost:3000(\/[^\s]*) -H 'content-type: application\/json' -d '([^']+)'/g,
      ),
    ];
    const byRoute = new Map(bodies.map(([, route, body]) => [route, JSON.parse(body!) as unknown]));
    assert.deepEqual(violationsOf(AddInventory.schema, byRoute.get('/inventory/add')), []);
    assert.deepEqual(violationsOf(PlaceOrder.schema, byRoute.get('/orders')), []);
  });
});
