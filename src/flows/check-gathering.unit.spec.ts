import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckGathering } from './check-gathering.js';
import { checkDelayMs, loadedCheckDelayMs } from './order-flows.js';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const offset = (date: Date) => date.getTime() - at(0).getTime();

describe('when a check asked for by a new message comes due', () => {
  it('is after the short delay that gathers a burst while checks are few', () => {
    const gathering = new CheckGathering();
    assert.equal(offset(gathering.dueAt(at(0))), checkDelayMs, 'before any claim');
    gathering.noteClaim(0, at(500));
    assert.equal(offset(gathering.dueAt(at(1_000))), 1_000 + checkDelayMs, 'after a claim that found none');
    gathering.noteClaim(1, at(1_500));
    assert.equal(offset(gathering.dueAt(at(2_000))), 2_000 + checkDelayMs, 'after a claim that found one');
  });

  it('gathers longer the more checks were made in the last second, up to the ceiling', () => {
    const gathering = new CheckGathering();
    gathering.noteClaim(2, at(0));
    gathering.noteClaim(3, at(400));
    gathering.noteClaim(1, at(800));
    assert.equal(
      offset(gathering.dueAt(at(900))),
      900 + 6 * checkDelayMs,
      'every claim of the second counts',
    );
    assert.equal(offset(gathering.dueAt(at(1_100))), 1_100 + 4 * checkDelayMs, 'not one made before it');
    gathering.noteClaim(1_000, at(1_200));
    assert.equal(offset(gathering.dueAt(at(1_200))), 1_200 + loadedCheckDelayMs);
  });

  it('gathers shortly again once the checks of the last second are few', () => {
    const gathering = new CheckGathering();
    gathering.noteClaim(1_000, at(0));
    gathering.noteClaim(2, at(1_500));
    assert.equal(offset(gathering.dueAt(at(1_600))), 1_600 + 2 * checkDelayMs);
    assert.equal(offset(gathering.dueAt(at(5_000))), 5_000 + checkDelayMs, 'no claim in the last second');
  });

  it('keeps in the backlog every check that a message asked for, however far ahead', () => {
    const gathering = new CheckGathering();
    assert.equal(offset(gathering.horizon(at(0))), checkDelayMs, 'nothing asked: the short delay ahead');
    gathering.noteClaim(1_000, at(0));
    gathering.dueAt(at(0));
    gathering.dueAt(at(1_500));
    assert.equal(offset(gathering.horizon(at(1_600))), loadedCheckDelayMs, 'the latest check asked for');
    assert.equal(
      offset(gathering.horizon(at(loadedCheckDelayMs + 1))),
      loadedCheckDelayMs + 1 + checkDelayMs,
    );
  });
});
