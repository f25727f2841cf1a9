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
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { earlierDomainVersions } from '../../src/generators/domain-history.js';
import { catalogEntries, type CatalogEntry } from '../../src/generators/eventcatalog-content-rules.js';
import { exportEventCatalog, specificationFiles } from '../../src/generators/eventcatalog.js';
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

  describe("as EventCatalog's content rules find it", () => {
    let entries: CatalogEntry[];
    const found = (collection: CatalogEntry['collection'], id: string, version: string) =>
      entries.filter(
        (entry) => entry.collection === collection && entry.id === id && entry.version === version,
      );

    before(async () => {
      entries = await catalogEntries(directory);
    });

    it('finds every command and event once, at its version', () => {
      for (const contract of contracts) {
        assert.equal(found(`${contract.kind}s`, contract.id, contract.version).length, 1, contract.id);
      }
      const messages = entries.filter(
        (entry) => entry.collection === 'events' || entry.collection === 'commands',
      );
      assert.equal(messages.length, contracts.length);
    });

    it('finds every service and flow, and every message a flow step stands for', () => {
      for (const id of Object.keys(services) as ServiceId[]) {
        assert.equal(found('services', id, services[id].version).length, 1, id);
      }
      for (const flow of flows) {
        assert.equal(found('flows', flow.id, flow.version).length, 1, flow.id);
        for (const step of flow.steps) {
          if (step.kind !== 'message') continue;
          const kind = contracts.find((contract) => contract.id === step.message.id)?.kind;
          assert.ok(kind, `${flow.id} step ${step.id}`);
          assert.equal(found(`${kind}s`, step.message.id, step.message.version).length, 1, step.id);
        }
      }
    });

    it("keeps the domain's earlier versions and a changelog with the project's entry and the reference's", () => {
      for (const version of [...earlierDomainVersions.map((each) => each.version), domain.version]) {
        assert.equal(found('domains', domain.id, version).length, 1, version);
      }
      const [changelog] = entries.filter((entry) => entry.collection === 'changelogs');
      assert.equal(changelog?.file, 'domains/Orders/changelog.mdx');
      const text = readFileSync(join(directory, changelog.file), 'utf8');
      assert.match(text, /^createdAt: \d{4}-\d{2}-\d{2}T/m);
      assert.match(text, new RegExp(`${domain.version} as the project runs it`));
      assert.match(text, /Service added to domain/);
    });
  });

  it('gives every service its own AsyncAPI and OpenAPI documents, valid, beside its page', async () => {
    for (const id of Object.keys(services) as ServiceId[]) {
      const service = await catalog.getService(id);
      assert.deepEqual(
        (service.specifications as { type: string; path: string }[]).map(({ type, path }) => [type, path]),
        [
          ['asyncapi', specificationFiles.asyncapi],
          ['openapi', specificationFiles.openapi],
        ],
      );
      const folder = join(directory, 'services', id);
      const asyncApi = readFileSync(join(folder, specificationFiles.asyncapi), 'utf8');
      const { diagnostics } = await new Parser().parse(asyncApi);
      assert.deepEqual(
        diagnostics
          .filter((diagnostic) => DiagnosticSeverity[diagnostic.severity] === 'Error')
          .map((diagnostic) => diagnostic.message),
        [],
        id,
      );
      const operations = Object.keys((JSON.parse(asyncApi) as { operations: object }).operations);
      assert.ok(operations.length > 0 && operations.every((operation) => operation.startsWith(`${id}.`)), id);

      const openApi = JSON.parse(readFileSync(join(folder, specificationFiles.openapi), 'utf8')) as {
        paths: Record<string, Record<string, { tags: string[]; operationId: string }>>;
      };
      const result = await validate(structuredClone(openApi) as unknown as Parameters<typeof validate>[0]);
      assert.ok(result.valid, id);
      const routes = Object.values(openApi.paths).flatMap((item) => Object.values(item));
      assert.ok(routes.length > 0, id);
      for (const route of routes) assert.deepEqual(route.tags, [services[id].context], route.operationId);
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
