import {
  Envelope,
  acceptedRange,
  contracts,
  domain,
  services,
  sourceOf,
  type MessageContract,
  type ServiceId,
} from '../../contracts/index.js';
import { exampleIds, exampleTime } from '../../contracts/examples.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A TypeBox schema as plain JSON Schema (TypeBox keeps its own markers out of enumerable keys). */
export const jsonSchemaOf = (schema: unknown): JsonObject => JSON.parse(JSON.stringify(schema)) as JsonObject;

const serviceIds = Object.keys(services) as ServiceId[];

/**
 * The CloudEvents attributes of a message as AsyncAPI headers: the envelope schema without `data`,
 * with `type` and `dataversion` pinned to the contract, and `source` to its producers.
 */
function headersOf(contract: MessageContract): JsonObject {
  const envelope = jsonSchemaOf(Envelope) as { properties: JsonObject; required: Json[] };
  const { data: _data, ...attributes } = envelope.properties;
  const sources = contract.producers.map((service) => sourceOf(service));
  return {
    type: 'object',
    title: 'CloudEvents envelope',
    description:
      'CloudEvents 1.0 attributes. On the wire the envelope is structured JSON with the payload under `data`.',
    properties: {
      ...attributes,
      type: { type: 'string', const: contract.id, description: 'The message id.' },
      dataversion: { type: 'string', const: contract.version, description: 'The contract version.' },
      ...(sources.length > 0
        ? { source: { type: 'string', enum: sources, description: 'The producing service.' } }
        : {}),
    },
    required: envelope.required.filter((name) => name !== 'data'),
    additionalProperties: false,
  };
}

const exampleHeadersOf = (contract: MessageContract): JsonObject => ({
  specversion: '1.0',
  id: exampleIds.event,
  source: sourceOf(contract.producers[0] ?? 'http'),
  type: contract.id,
  time: exampleTime,
  subject: contract.subjectOf(contract.example),
  datacontenttype: 'application/json',
  dataversion: contract.version,
  correlationid: exampleIds.order,
  idempotencykey: `${exampleIds.order}:${contract.id}:0`,
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});

function messageOf(contract: MessageContract): JsonObject {
  return {
    name: contract.id,
    title: contract.name,
    summary: contract.summary,
    contentType: 'application/json',
    headers: headersOf(contract),
    payload: jsonSchemaOf(contract.schema),
    correlationId: {
      description: 'Shared by every message of one business flow (an order: its correlation id).',
      location: '$message.header#/correlationid',
    },
    tags: [{ name: contract.kind }, { name: contract.context }, { name: `origin:${contract.origin}` }],
    examples: [
      {
        name: `${contract.id}Example`,
        headers: exampleHeadersOf(contract),
        payload: jsonSchemaOf(contract.example),
      },
    ],
    'x-eventcatalog-message-type': contract.kind,
    'x-eventcatalog-message-version': contract.version,
    'x-owners': [...contract.owners],
  };
}

const channelRef = (contract: MessageContract) => ({
  $ref: `#/channels/${contract.channel}`,
});
const messageRef = (contract: MessageContract) => ({
  $ref: `#/channels/${contract.channel}/messages/${contract.id}`,
});

function operationsOf(service: ServiceId): [string, JsonObject][] {
  const sends = contracts.filter((contract) => contract.producers.includes(service));
  const receives = contracts.filter((contract) => acceptedRange(contract, service) !== undefined);
  return [
    ...sends.map((contract): [string, JsonObject] => [
      `${service}.send.${contract.id}`,
      {
        action: 'send',
        title: `${service} sends ${contract.id}`,
        summary: `${services[service].name} publishes ${contract.id} ${contract.version}.`,
        channel: channelRef(contract),
        messages: [messageRef(contract)],
        tags: [{ name: service }],
      },
    ]),
    ...receives.map((contract): [string, JsonObject] => {
      const range = acceptedRange(contract, service) as string;
      return [
        `${service}.receive.${contract.id}`,
        {
          action: 'receive',
          title: `${service} receives ${contract.id}`,
          summary: `${services[service].name} consumes ${contract.id}, versions ${range}; others are dead-lettered.`,
          channel: channelRef(contract),
          messages: [messageRef(contract)],
          tags: [{ name: service }],
          'x-accepts': range,
        },
      ];
    }),
  ];
}

const usedBy = (service: ServiceId) => (contract: MessageContract) =>
  contract.producers.includes(service) || acceptedRange(contract, service) !== undefined;

/**
 * The AsyncAPI 3.0 document of the whole domain, or of one service, from the contract registry:
 * one channel per real bus subject, a send or receive operation per service and message, payload
 * schemas, the CloudEvents envelope as headers, and each message's version.
 */
export function asyncApiDocument(service?: ServiceId): JsonObject {
  const described = service === undefined ? serviceIds : [service];
  const messages = service === undefined ? contracts : contracts.filter(usedBy(service));
  const title = service === undefined ? `${domain.name} domain` : services[service].name;
  const summary =
    service === undefined
      ? `${domain.summary} Every command and event of the domain`
      : `What ${services[service].name} sends and receives in the ${domain.name} domain`;
  return {
    asyncapi: '3.0.0',
    id: service === undefined ? 'urn:orders-domain' : `urn:orders-domain:${service}`,
    info: {
      title: `${title} messages`,
      version: service === undefined ? domain.version : services[service].version,
      description: `${summary}, generated from the contract registry. Services: ${described
        .map((id) => `${id} ${services[id].version}`)
        .join(', ')}.`,
      tags: described.map((id) => ({ name: id, description: services[id].name })),
    },
    defaultContentType: 'application/json',
    channels: Object.fromEntries(
      messages.map((contract) => [
        contract.channel,
        {
          address: contract.channel,
          title: contract.name,
          summary: `Carries ${contract.id} (${contract.kind}) in the ${contract.context} context.`,
          messages: { [contract.id]: { $ref: `#/components/messages/${contract.id}` } },
        },
      ]),
    ),
    operations: Object.fromEntries(described.flatMap(operationsOf)),
    components: {
      messages: Object.fromEntries(messages.map((contract) => [contract.id, messageOf(contract)])),
    },
  };
}
