import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowStep } from '@eventcatalog/sdk';
import semver from 'semver';
import { openCatalog } from './sdk.js';

const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** `../shared/reference/eventcatalog-orders`, beside the repository (a clean CI clone has it there too). */
export function referenceCatalogPath(root = repositoryRoot): string {
  const path = join(root, '..', 'shared', 'reference', 'eventcatalog-orders');
  if (!existsSync(join(path, 'domains'))) {
    throw new Error(
      `The reference catalog is missing: expected it at ${path} (shared/reference/eventcatalog-orders beside the repository)`,
    );
  }
  return path;
}

/** What the comparison looks at, each fact as `subject → value`, e.g. `message OutOfStock → event 0.0.4`. */
export type CatalogFacts = ReadonlyMap<string, string>;

/** A fact that differs; `null` where one side does not have it. */
export interface Difference {
  readonly subject: string;
  readonly reference: string | null;
  readonly exported: string | null;
}

const pointers = (list: readonly { id: string; version?: string }[] | undefined) =>
  (list ?? []).map((item) => [item.id, item.version ?? 'latest'] as const);

function stepFact(step: FlowStep): string {
  if (step.message) return `message ${step.message.id} ${step.message.version ?? 'latest'}`;
  if (step.service) return `service ${step.service.id} ${step.service.version ?? 'latest'}`;
  if (step.actor) return `actor ${step.actor.name}`;
  if (step.externalSystem) return `external ${step.externalSystem.name}`;
  return 'node';
}

/** The SDK's list readers answer `undefined` when a catalog has none of a resource, whatever their types say. */
const all = <T>(resources: readonly T[] | undefined): readonly T[] => resources ?? [];

/** The facts of a catalog directory, read with the EventCatalog SDK (latest versions only). */
export async function readCatalogFacts(directory: string, domainId: string): Promise<CatalogFacts> {
  const catalog = openCatalog(directory);
  const facts = new Map<string, string>();
  const domain = await catalog.getDomain(domainId);
  if (domain as typeof domain | undefined) {
    facts.set(`domain ${domain.id}`, domain.version);
    facts.set(`domain ${domain.id} owners`, [...(domain.owners ?? [])].sort().join(', '));
    facts.set(`domain ${domain.id} badges`, (domain.badges ?? []).map((badge) => badge.content).join(', '));
    for (const [id, version] of pointers(domain.services))
      facts.set(`domain ${domain.id} service ${id}`, version);
  }
  for (const service of all(await catalog.getServices({ latestOnly: true }))) {
    facts.set(`service ${service.id}`, service.version);
    for (const [id, version] of pointers(service.sends))
      facts.set(`service ${service.id} sends ${id}`, version);
    for (const [id, version] of pointers(service.receives))
      facts.set(`service ${service.id} receives ${id}`, version);
  }
  for (const event of all(await catalog.getEvents({ latestOnly: true })))
    facts.set(`message ${event.id}`, `event ${event.version}`);
  for (const command of all(await catalog.getCommands({ latestOnly: true })))
    facts.set(`message ${command.id}`, `command ${command.version}`);
  for (const flow of all(await catalog.getFlows({ latestOnly: true }))) {
    facts.set(`flow ${flow.id}`, flow.version);
    for (const step of flow.steps) facts.set(`flow ${flow.id} step ${String(step.id)}`, stepFact(step));
  }
  for (const team of all(await catalog.getTeams())) facts.set(`team ${team.id}`, team.name);
  for (const user of all(await catalog.getUsers())) facts.set(`user ${user.id}`, user.name);
  return facts;
}

/** The parts of a subject whose absence makes every fact beneath it redundant. */
const parentsOf = (subject: string): string[] => {
  const words = subject.split(' ');
  return words.length > 2 ? [words.slice(0, 2).join(' ')] : [];
};

/** A consumer whose range accepts the exact version the reference names agrees with it. */
function agrees(subject: string, before: string | null, after: string | null): boolean {
  if (before === after) return true;
  if (before === null || after === null || !subject.includes(' receives ')) return false;
  return (
    semver.valid(before) !== null && semver.validRange(after) !== null && semver.satisfies(before, after)
  );
}

/**
 * Facts that differ between the reference and the export. A resource missing on one side is one
 * difference, not one per fact beneath it.
 */
export function differencesBetween(reference: CatalogFacts, exported: CatalogFacts): Difference[] {
  const subjects = [...new Set([...reference.keys(), ...exported.keys()])].sort();
  return subjects.flatMap((subject) => {
    const before = reference.get(subject) ?? null;
    const after = exported.get(subject) ?? null;
    if (agrees(subject, before, after)) return [];
    const parentMissing = parentsOf(subject).some(
      (parent) => parent !== subject && (!reference.has(parent) || !exported.has(parent)),
    );
    return parentMissing ? [] : [{ subject, reference: before, exported: after }];
  });
}
