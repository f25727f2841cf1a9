import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DiagnosticSeverity, Parser, type Diagnostic } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { acceptedRange, contracts, services, useInputPolicy, type ServiceId } from '../../contracts/index.js';
import { asyncApiDocument, jsonSchemaOf, type JsonObject } from '../../src/catalog/asyncapi.js';

interface Message {
  headers: JsonObject & { properties: Record<string, JsonObject> };
  payload: JsonObject;
  examples: { headers: JsonObject; payload: JsonObject }[];
  'x-eventcatalog-message-version': string;
}
interface Operation {
  action: 'send' | 'receive';
  channel: { $ref: string };
  'x-accepts'?: string;
}

describe('the AsyncAPI document', () => {
  const document = asyncApiDocument();
  const channels = document['channels'] as unknown as Record<
    string,
    { address: string; messages: JsonObject }
  >;
  const operations = document['operations'] as unknown as Record<string, Operation>;
  const messages = (document['components'] as unknown as { messages: Record<string, Message> }).messages;
  let diagnostics: Diagnostic[];

  before(async () => {
    ({ diagnostics } = await new Parser().parse(JSON.stringify(document)));
  });

  it('parses as AsyncAPI 3.0 with no errors', () => {
    // The parser and its Spectral core each bring a copy of the severity enum: compare by name.
    const errors = diagnostics.filter((diagnostic) => DiagnosticSeverity[diagnostic.severity] === 'Error');
    for (const error of errors) console.log(`${error.path.join('/')}: ${error.message}`);
    assert.equal(document['asyncapi'], '3.0.0');
    assert.deepEqual(errors, []);
  });

  it('has one channel per message, at the subject the bus really uses', () => {
    assert.equal(Object.keys(channels).length, contracts.length);
    for (const contract of contracts) {
      assert.equal(channels[contract.channel]?.address, contract.channel);
      assert.deepEqual(Object.keys(channels[contract.channel]?.messages ?? {}), [contract.id]);
    }
  });

  it('gives each service a send for what it produces and a receive, with its range, for what it consumes', () => {
    const expected = (Object.keys(services) as ServiceId[]).flatMap((service) => [
      ...contracts
        .filter((contract) => contract.producers.includes(service))
        .map((contract) => `${service}.send.${contract.id} → ${contract.channel}`),
      ...contracts
        .filter((contract) => acceptedRange(contract, service) !== undefined)
        .map(
          (contract) =>
            `${service}.receive.${contract.id} → ${contract.channel} ${acceptedRange(contract, service) ?? ''}`,
        ),
    ]);
    const actual = Object.entries(operations).map(([id, operation]) =>
      [`${id} → ${operation.channel.$ref.replace('#/channels/', '')}`, operation['x-accepts']]
        .filter((part) => part !== undefined)
        .join(' '),
    );
    assert.deepEqual(actual.sort(), expected.sort());
  });

  it('describes each message by its payload schema, version and CloudEvents headers', () => {
    for (const contract of contracts) {
      const message = messages[contract.id];
      assert.ok(message, contract.id);
      assert.deepEqual(message.payload, jsonSchemaOf(contract.schema));
      assert.equal(message['x-eventcatalog-message-version'], contract.version);
      assert.equal(message.headers.properties['type']?.['const'], contract.id);
      assert.equal(message.headers.properties['dataversion']?.['const'], contract.version);
      assert.ok(message.headers.properties['correlationid'], `${contract.id} has a correlationid header`);
    }
  });

  it('gives every message an example its own header and payload schemas accept', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormatsPlugin.default(ajv);
    useInputPolicy(ajv);
    const refused = Object.entries(messages).flatMap(([id, message]) =>
      message.examples.flatMap((example) => [
        ...(ajv.validate(message.headers, example.headers)
          ? []
          : [`${id} headers: ${ajv.errorsText(ajv.errors)}`]),
        ...(ajv.validate(message.payload, example.payload)
          ? []
          : [`${id} payload: ${ajv.errorsText(ajv.errors)}`]),
      ]),
    );
    assert.deepEqual(refused, []);
  });
});
