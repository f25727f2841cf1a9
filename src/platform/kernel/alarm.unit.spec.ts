import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Alarm } from './alarm.js';

describe('an alarm', () => {
  it('rings at each time set, earliest first, however they were set', async () => {
    const rang: number[] = [];
    const started = Date.now();
    const alarm = new Alarm(() => rang.push(Date.now() - started));
    alarm.set(started + 120);
    alarm.set(started + 40);
    await sleep(1_000);
    assert.equal(rang.length, 2);
    assert.ok(rang[0]! >= 40 && rang[1]! >= 120, `rang at ${rang.join(', ')} ms`);
  });

  it('rings once for times that pass together, and not before the first of them', async () => {
    let rings = 0;
    const alarm = new Alarm(() => (rings += 1));
    const at = Date.now() + 30;
    alarm.set(at);
    alarm.set(at);
    await sleep(10);
    assert.equal(rings, 0);
    await sleep(1_000);
    assert.equal(rings, 1);
  });

  it('rings no more once stopped', async () => {
    let rings = 0;
    const alarm = new Alarm(() => (rings += 1));
    alarm.set(Date.now() + 20);
    alarm.stop();
    await sleep(60);
    assert.equal(rings, 0);
  });
});
