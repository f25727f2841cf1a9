import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { optionalText } from '../platform/kernel/settings-schema.js';
import { lineChanges, replaceRegion } from './marked-region.js';
import { settingsTables } from './settings-table.js';

const shared = optionalText({ env: 'SHARED_KEY', description: 'A key two owners read' });

describe('settings tables', () => {
  it('lists each owner’s settings, nested ones included, with their defaults and descriptions', () => {
    const tables = settingsTables([
      {
        title: 'First',
        schemas: [
          Type.Object({
            port: Type.Integer({ env: 'PORT', default: 3000, description: 'Port' }),
            nested: Type.Object({ key: shared }),
          }),
        ],
      },
      {
        title: 'Second',
        schemas: [
          Type.Object({
            key: optionalText({ env: 'SHARED_KEY', description: 'The same key' }),
            list: Type.String({ env: 'LIST', default: '', description: 'a | b' }),
          }),
        ],
      },
    ]);
    assert.equal(
      tables,
      [
        '### First',
        '',
        '| Variable | Default | What it does |',
        '| --- | --- | --- |',
        '| `PORT` | `3000` | Port |',
        '| `SHARED_KEY` | — | A key two owners read |',
        '',
        '### Second',
        '',
        '| Variable | Default | What it does |',
        '| --- | --- | --- |',
        '| `LIST` | — | a \\| b |',
      ].join('\n'),
    );
  });

  it('says the defaults the code has', () => {
    assert.match(settingsTables(), /^\| `CONSUMER_MAX_IN_FLIGHT` \| `32` \|/m);
  });
});

describe('a generated region', () => {
  const document = 'before\n<!-- x:begin -->\nold\n<!-- x:end -->\nafter\n';

  it('is replaced between its markers, and nothing else is', () => {
    assert.equal(
      replaceRegion(document, 'x', 'new'),
      'before\n<!-- x:begin -->\n\nnew\n\n<!-- x:end -->\nafter\n',
    );
  });

  it('must be marked', () => {
    assert.throws(() => replaceRegion(document, 'y', 'new'), /no <!-- y:begin -->/);
  });

  it('shows the lines a stale one would change', () => {
    assert.deepEqual(lineChanges('a\nold\nb', 'a\nnew\nb'), ['- old', '+ new']);
  });
});
