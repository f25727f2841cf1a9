import {
  acceptedRange,
  consumedBy,
  domain,
  producedBy,
  services,
  type MessageContract,
  type ServiceId,
} from '../../contracts/index.js';
import { flows, OrderPlacementFlow, type FlowDeclaration } from '../../contracts/flows.js';
import { flowSequenceDiagram } from '../catalog/mermaid.js';

/** The markdown bodies of the exported catalog's pages; EventCatalog adds the frontmatter's parts. */
const json = (value: unknown) => JSON.stringify(value, null, 2);

export function messageMarkdown(contract: MessageContract): string {
  const producers =
    contract.producers.length > 0 ? contract.producers.join(', ') : 'clients (HTTP or the bus)';
  const consumers = contract.consumers.map(({ service, accepts }) => `| ${service} | \`${accepts}\` |`);
  return [
    '## Overview',
    '',
    contract.summary,
    '',
    `- **Kind:** ${contract.kind}`,
    `- **Channel (bus subject):** \`${contract.channel}\``,
    `- **Sent by:** ${producers}`,
    '',
    ...(consumers.length > 0
      ? ['| Consumer | Accepts versions |', '| --- | --- |', ...consumers, '']
      : ['No service consumes it: it is recorded on the timeline of the order it concerns.', '']),
    '<NodeGraph />',
    '',
    '## Payload example',
    '',
    '```json title="Payload example"',
    json(contract.example),
    '```',
    '',
    '## Schema',
    '',
    '<SchemaViewer file="schema.json" />',
  ].join('\n');
}

export function serviceMarkdown(service: ServiceId): string {
  const list = (title: string, lines: string[]) =>
    lines.length > 0 ? [`## ${title}`, '', ...lines, ''] : [`## ${title}`, '', 'Nothing.', ''];
  return [
    '## Overview',
    '',
    `${services[service].name}, in the \`${services[service].context}\` bounded context. Its messages are described by its AsyncAPI document, its HTTP routes by its OpenAPI document (see its specifications).`,
    '',
    ...list(
      'Sends',
      producedBy(service).map(
        (contract) => `- \`${contract.id}\` ${contract.version} on \`${contract.channel}\``,
      ),
    ),
    ...list(
      'Receives',
      consumedBy(service).map(
        (contract) => `- \`${contract.id}\` versions \`${acceptedRange(contract, service) ?? ''}\``,
      ),
    ),
    '<NodeGraph />',
  ].join('\n');
}

export function flowMarkdown(flow: FlowDeclaration): string {
  return [
    '## Overview',
    '',
    flow.summary,
    '',
    flow.origin === 'catalog'
      ? 'Declared as the reference catalog documents it.'
      : 'Declared by the project: the running system checks every order against it.',
    '',
    '<NodeGraph />',
    '',
    '## Sequence',
    '',
    '```mermaid',
    flowSequenceDiagram(flow),
    '```',
  ].join('\n');
}

export function domainMarkdown(): string {
  return [
    '## Overview',
    '',
    domain.summary,
    '',
    '<NodeGraph />',
    '',
    '### Order placement (sequence diagram)',
    '',
    'The path of an order that goes through; the flow pages draw every branch.',
    '',
    '```mermaid',
    flowSequenceDiagram(OrderPlacementFlow, { mainPathOnly: true }),
    '```',
    '',
    '## Flows',
    '',
    ...flows.flatMap((flow) => [
      `### ${flow.name}`,
      '',
      flow.summary,
      '',
      `<Flow id="${flow.id}" version="latest" includeKey={false} />`,
      '',
    ]),
  ].join('\n');
}
