import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { Json, Loading, ProblemNote } from '../components/Feedback';
import { Mermaid } from '../components/Mermaid';
import { Table } from '../components/Table';

interface Registry {
  readonly domain: { name: string; version: string; summary: string };
  readonly services: {
    id: string;
    name: string;
    version: string;
    summary?: string;
    produces: string[];
    consumes: string[];
  }[];
  readonly messages: {
    id: string;
    version: string;
    kind: string;
    summary: string;
    channel: string;
    producers: string[];
    consumers: { service: string; accepts: string }[];
    schema: unknown;
    example: unknown;
  }[];
  readonly flows: { id: string; name: string; version: string; summary: string; diagram: string }[];
}

/** The contract registry: services, every message with its version, schema and example, and the flows. */
export function Catalog() {
  const registry = useQuery({
    queryKey: ['catalog'],
    queryFn: () => api<Registry>('/console/api/catalog'),
    staleTime: Infinity,
  });
  if (registry.isPending) return <Loading what="the catalog" />;
  if (registry.isError) return <ProblemNote error={registry.error} />;
  const { domain, services, messages, flows } = registry.data;
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">
        Catalog: {domain.name} <small>v{domain.version}</small>
      </h1>
      <p>{domain.summary}</p>
      <h2>Services</h2>
      <Table columns={['Service', 'Version', 'Produces', 'Consumes']}>
        {services.map((service) => (
          <tr key={service.id}>
            <td>{service.name}</td>
            <td>{service.version}</td>
            <td>{service.produces.join(', ')}</td>
            <td>{service.consumes.join(', ')}</td>
          </tr>
        ))}
      </Table>
      <h2>Messages</h2>
      {messages.map((message) => (
        <details key={message.id}>
          <summary>
            {message.id} <small>v{message.version}</small> · {message.kind}
          </summary>
          <p>{message.summary}</p>
          <p>
            Channel <code>{message.channel}</code>; produced by {message.producers.join(', ') || 'clients'};
            consumed by{' '}
            {message.consumers
              .map((consumer) => `${consumer.service} (accepts ${consumer.accepts})`)
              .join(', ') || 'nobody'}
          </p>
          <h3>Schema</h3>
          <Json value={message.schema} label={`Schema of ${message.id}`} />
          <h3>Example</h3>
          <Json value={message.example} label={`Example of ${message.id}`} />
        </details>
      ))}
      <h2>Flows</h2>
      {flows.map((flow) => (
        <FlowDetails key={flow.id} flow={flow} />
      ))}
    </section>
  );
}

/** A flow's diagram is drawn when its details are first opened. */
function FlowDetails({ flow }: { flow: Registry['flows'][number] }) {
  const [opened, setOpened] = useState(false);
  return (
    <details
      onToggle={(event) => {
        if (event.currentTarget.open) setOpened(true);
      }}
    >
      <summary>
        {flow.name} <small>v{flow.version}</small>
      </summary>
      <p>{flow.summary}</p>
      {opened && <Mermaid source={flow.diagram} title={`${flow.name} v${flow.version}`} />}
    </details>
  );
}
