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
    gathering.noteClaim(0);
    assert.equal(offset(gathering.dueAt(at(1_000))), 1_000 + checkDelayMs, 'after a claim that found none');
    gathering.noteClaim(1);
    assert.equal(offset(gathering.dueAt(at(2_000))), 2_000 + checkDelayMs, 'after a claim that found one');
  });

  it('gathers longer the more checks the last claim found, up to the ceiling, and shorter again', () => {
    const gathering = new CheckGathering();
    gathering.noteClaim(4);
    assert.equal(offset(gathering.dueAt(at(0))), 4 * checkDelayMs);
    gathering.noteClaim(1_000);
    assert.equal(offset(gathering.dueAt(at(0))), loadedCheckDelayMs);
    gathering.noteClaim(2);
    assert.equal(offset(gathering.dueAt(at(100))), 100 + 2 * checkDelayMs);
  });

  it('keeps in the backlog every check that a message asked for, however far ahead', () => {
    const gathering = new CheckGathering();
    assert.equal(offset(gathering.horizon(at(0))), checkDelayMs, 'nothing asked: the short delay ahead');
    gathering.noteClaim(1_000);
    gathering.dueAt(at(0));
    gathering.noteClaim(0);
    gathering.dueAt(at(500));
    assert.equal(offset(gathering.horizon(at(600))), loadedCheckDelayMs, 'the latest check asked for');
    assert.equal(
      offset(gathering.horizon(at(loadedCheckDelayMs + 1))),
      loadedCheckDelayMs + 1 + checkDelayMs,
    );
  });
});
