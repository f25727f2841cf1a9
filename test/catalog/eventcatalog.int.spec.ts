import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  acceptedRange,
  consumedBy,
  contracts,
  domain,
  producedBy,
  services,
  type ServiceId,
} from '../../contracts/index.js';
import { flows } from '../../contracts/flows.js';
import { exportEventCatalog } from '../../src/generators/eventcatalog.js';
import { reckon, recordedExceptions } from '../../src/generators/recorded-exceptions.js';
import {
  differencesBetween,
  readCatalogFacts,
  referenceCatalogPath,
} from '../../src/generators/reference.js';
import { openCatalog, type Catalog } from '../../src/generators/sdk.js';

describe('the EventCatalog export', () => {
  const directory = mkdtempSync(join(tmpdir(), 'orders-catalog-'));
  let catalog: Catalog;

  before(async () => {
    await exportEventCatalog(directory);
    catalog = openCatalog(directory);
  });

  after(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes the Orders domain with its version, owners, badges and services', async () => {
    const written = await catalog.getDomain(domain.id);
    assert.equal(written.version, domain.version);
    assert.deepEqual(written.owners, [...domain.owners]);
    assert.deepEqual(
      written.badges?.map((badge) => badge.content),
      ['New domain'],
    );
    assert.deepEqual(
      written.services,
      (Object.keys(services) as ServiceId[]).map((id) => ({ id, version: services[id].version })),
    );
  });

  it('writes every service with what it sends and receives, at their versions and ranges', async () => {
    for (const id of Object.keys(services) as ServiceId[]) {
      const service = await catalog.getService(id);
      assert.equal(service.version, services[id].version);
      assert.deepEqual(
        service.sends,
        producedBy(id).map((contract) => ({ id: contract.id, version: contract.version })),
      );
      assert.deepEqual(
        service.receives,
        consumedBy(id).map((contract) => ({ id: contract.id, version: acceptedRange(contract, id) })),
      );
    }
  });

  it('writes every command and event with its JSON schema and an example payload', async () => {
    for (const contract of contracts) {
      // By version: the SDK looks ids up across the whole catalog, and a flow may share a command's id.
      const message =
        contract.kind === 'event'
          ? await catalog.getEvent(contract.id, contract.version, { attachSchema: true })
          : await catalog.getCommand(contract.id, contract.version, { attachSchema: true });
      assert.equal(message.version, contract.version, contract.id);
      assert.deepEqual(message.schema, JSON.parse(JSON.stringify(contract.schema)), contract.id);
      const examples =
        contract.kind === 'event'
          ? await catalog.getExamplesFromEvent(contract.id, contract.version)
          : await catalog.getExamplesFromCommand(contract.id, contract.version);
      assert.deepEqual(
        examples.map((example) => JSON.parse(example.content) as unknown),
        [contract.example],
      );
      assert.match(message.markdown, /Payload example/);
    }
  });

  it('writes the flows with their steps and the messages each step stands for', async () => {
    for (const flow of flows) {
      const written = await catalog.getFlow(flow.id, flow.version);
      assert.equal(written.version, flow.version);
      assert.deepEqual(
        written.steps.map((step) => [step.id, step.message?.id ?? null]),
        flow.steps.map((step) => [step.id, step.kind === 'message' ? step.message.id : null]),
      );
      assert.match(written.markdown, /```mermaid\nsequenceDiagram/);
    }
  });

  it('writes the teams and users who own the resources', async () => {
    assert.deepEqual((await catalog.getTeams()).map((team) => team.id).sort(), ['full-stack', 'mobile-devs']);
    assert.deepEqual((await catalog.getUsers()).map((user) => user.id).sort(), [
      'asmith',
      'dboyne',
      'msmith',
    ]);
  });

  it('matches the reference catalog, except where a decision is recorded', async () => {
    const reference = await readCatalogFacts(referenceCatalogPath(), domain.id);
    const exported = await readCatalogFacts(directory, domain.id);
    const { explained, unexplained, stale } = reckon(differencesBetween(reference, exported));
    const show = (label: string, lines: readonly string[]) => {
      console.log(`${label} (${lines.length}):\n  ${lines.join('\n  ') || '(none)'}`);
    };
    const describeDifference = (difference: {
      subject: string;
      reference: string | null;
      exported: string | null;
    }) =>
      `${difference.subject}: reference ${difference.reference ?? '(absent)'}, export ${difference.exported ?? '(absent)'}`;
    show(
      'Differences from the reference, explained',
      explained.map((difference) => `${describeDifference(difference)} - ${difference.reason}`),
    );
    show('Differences no decision records', unexplained.map(describeDifference));
    show('Recorded exceptions that no longer apply', stale.map(describeDifference));
    assert.deepEqual(unexplained, []);
    assert.deepEqual(stale, []);
    assert.ok(explained.length >= recordedExceptions.length);
  });

  it('replaces an earlier export in place, and refuses a directory that holds anything else', async () => {
    writeFileSync(join(directory, 'events', 'Stale.md'), 'left over');
    await exportEventCatalog(directory);
    assert.equal(existsSync(join(directory, 'events', 'Stale.md')), false);

    const foreign = mkdtempSync(join(tmpdir(), 'not-a-catalog-'));
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await assert.rejects(exportEventCatalog(foreign), /not empty and holds no earlier export/);
    assert.equal(readFileSync(join(foreign, 'notes.txt'), 'utf8'), 'mine');
    rmSync(foreign, { recursive: true, force: true });
  });

  it('says where it looked when the reference catalog is missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'clone-'));
    mkdirSync(join(root, 'repository'));
    assert.throws(
      () => referenceCatalogPath(join(root, 'repository')),
      /The reference catalog is missing: expected it at .*shared\/reference\/eventcatalog-orders/,
    );
    rmSync(root, { recursive: true, force: true });
  });
});
