import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'otlp-transformer-protobuf/build/src/generated/root.js';
import type { ReceivedSpan } from './traces.js';

/** The protobufjs code generated from the OTLP .proto files; its typings only say `Root`. */
interface GeneratedOtlp {
  opentelemetry: {
    proto: {
      collector: { trace: { v1: { ExportTraceServiceRequest: { decode(bytes: Uint8Array): OtlpExport } } } };
    };
  };
}

/** An OTLP/HTTP trace receiver on a local port, decoding what it is sent as a collector would. */
export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: the exporters post to `${url}/v1/traces`. */
  readonly url: string;
  /** Every span received, unless started with `keepSpans: false`. */
  readonly spans: ReceivedSpan[];
  /** How many spans were received. */
  readonly spanCount: number;
  /** The content type of every export request received. */
  readonly contentTypes: string[];
  /** The resource attributes of the exports, as `key=value`. */
  readonly resourceAttributes: Set<string>;
  stop(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string | null;
  intValue?: number | string | { toString(): string } | null;
  boolValue?: boolean | null;
  doubleValue?: number | null;
}
interface OtlpAttribute {
  key?: string | null;
  value?: OtlpValue | null;
}
interface OtlpSpan {
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: OtlpAttribute[] | null;
}
interface OtlpExport {
  resourceSpans?:
    | {
        resource?: { attributes?: OtlpAttribute[] | null } | null;
        scopeSpans?: { spans?: OtlpSpan[] | null }[] | null;
      }[]
    | null;
}

const { ExportTraceServiceRequest } = (protobuf as unknown as GeneratedOtlp).opentelemetry.proto.collector
  .trace.v1;

export async function startOtlpReceiver(options: { keepSpans?: boolean } = {}): Promise<OtlpReceiver> {
  const keepSpans = options.keepSpans ?? true;
  const spans: ReceivedSpan[] = [];
  let spanCount = 0;
  const contentTypes: string[] = [];
  const resourceAttributes = new Set<string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const contentType = request.headers['content-type'] ?? '';
      const body = Buffer.concat(chunks);
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      contentTypes.push(contentType);
      // Binary ids are hex in OTLP/JSON and bytes in protobuf: both end up as hex here.
      const exported: OtlpExport = contentType.startsWith('application/json')
        ? (JSON.parse(body.toString('utf8')) as OtlpExport)
        : ExportTraceServiceRequest.decode(body);
      for (const resourceSpans of exported.resourceSpans ?? []) {
        const resource = attributesOf(resourceSpans.resource?.attributes);
        for (const [key, value] of Object.entries(resource))
          resourceAttributes.add(`${key}=${String(value)}`);
        for (const scope of resourceSpans.scopeSpans ?? [])
          for (const span of scope.spans ?? []) {
            spanCount += 1;
            if (keepSpans) spans.push(received(span, String(resource['service.name'])));
          }
      }
      response
        .writeHead(200, {
          'content-type': contentType.startsWith('application/json')
            ? 'application/json'
            : 'application/x-protobuf',
        })
        .end(contentType.startsWith('application/json') ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get spanCount() {
      return spanCount;
    },
    contentTypes,
    resourceAttributes,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function received(span: OtlpSpan, service: string): ReceivedSpan {
  const parent = hex(span.parentSpanId);
  return {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: parent === '' ? undefined : parent,
    name: span.name ?? '',
    service,
    kind: span.kind ?? 0,
    startNanos: BigInt(String(span.startTimeUnixNano)),
    endNanos: BigInt(String(span.endTimeUnixNano)),
    attributes: attributesOf(span.attributes),
  };
}

const hex = (id: unknown): string =>
  id instanceof Uint8Array ? Buffer.from(id).toString('hex') : typeof id === 'string' ? id : '';

function attributesOf(attributes: OtlpAttribute[] | null | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) {
    if (!key || !value) continue;
    result[key] =
      value.stringValue ??
      (value.intValue === null || value.intValue === undefined
        ? undefined
        : Number(String(value.intValue))) ??
      value.boolValue ??
      value.doubleValue;
  }
  return result;
}
