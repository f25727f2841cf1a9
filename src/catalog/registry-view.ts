import { flows } from '../../contracts/flows.js';
import { contracts, domain, services, type ServiceId } from '../../contracts/index.js';
import { flowSequenceDiagram } from './mermaid.js';

/**
 * The contract registry as data for a reader: the services, every message with its version,
 * schema and example, and the documented flows with their Mermaid diagrams.
 */
export function registryView() {
  const serviceIds = Object.keys(services) as ServiceId[];
  return {
    domain,
    services: serviceIds.map((id) => ({
      id,
      ...services[id],
      produces: contracts.filter((contract) => contract.producers.includes(id)).map(({ id }) => id),
      consumes: contracts
        .filter((contract) => contract.consumers.some((consumer) => consumer.service === id))
        .map(({ id }) => id),
    })),
    messages: contracts.map((contract) => ({
      id: contract.id,
      name: contract.name,
      version: contract.version,
      kind: contract.kind,
      summary: contract.summary,
      channel: contract.channel,
      origin: contract.origin,
      producers: contract.producers,
      consumers: contract.consumers,
      schema: contract.schema,
      example: contract.example,
    })),
    flows: flows.map((flow) => ({
      id: flow.id,
      name: flow.name,
      version: flow.version,
      summary: flow.summary,
      diagram: flowSequenceDiagram(flow),
    })),
  };
}
