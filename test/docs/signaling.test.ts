/**
 * The signaling protocol reference, as the docs build generates it: every message type of the
 * protocol's schemas has its section, every example it shows is a valid message, every field
 * says what it is, and every number the overview page quotes resolves to a generated fact.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ClientMessage, ServerMessage, SIGNALING_REPLY_TYPES } from '@parley/protocol';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiField } from '../../apps/docs/src/components/ApiMethod/types.ts';
import type { SignalingMessageDoc } from '../../apps/docs/scripts/lib/signaling/catalogue.ts';
import { DOCS_DIR, REPO_DIR } from '../support/docsSite.ts';

const run = promisify(execFile);
const NODE = path.join(REPO_DIR, 'node_modules/.bin/node');
const SIGNALING_DIR = path.join(DOCS_DIR, 'docs/signaling');

const schemas = new Map<string, { direction: 'client' | 'server'; schema: TSchema }>([
  ...ClientMessage.anyOf.map((schema) => [schema.properties.type.const, { direction: 'client' as const, schema }] as const),
  ...ServerMessage.anyOf.map((schema) => [schema.properties.type.const, { direction: 'server' as const, schema }] as const),
]);

function page(direction: 'client' | 'server'): string {
  return fs.readFileSync(path.join(SIGNALING_DIR, `${direction}-messages.mdx`), 'utf8');
}

function undescribed(fields: ApiField[], prefix = ''): string[] {
  return fields.flatMap((field) => [
    ...(field.description?.trim() ? [] : [`${prefix}${field.name}`]),
    ...undescribed(field.children ?? [], `${prefix}${field.name}.`),
  ]);
}

describe('signaling protocol reference', () => {
  let messages: SignalingMessageDoc[];
  let facts: Record<string, unknown>;

  beforeAll(async () => {
    // The build step itself, as `npm run build -w apps/docs` runs it.
    await run(NODE, ['scripts/signaling.ts'], { cwd: DOCS_DIR });
    ({ messages, facts } = JSON.parse(fs.readFileSync(path.join(DOCS_DIR, 'generated/signaling.json'), 'utf8')));
  }, 60_000);

  it('has a section, under the right direction, for every message type in the schemas', () => {
    expect(schemas.size).toBeGreaterThan(30);
    const missing = [...schemas].filter(([type, { direction }]) => {
      const text = page(direction);
      return !text.includes(`### \`${type}\`\n`) || !text.includes(`title={${JSON.stringify(type)}}`);
    });
    expect(missing.map(([type]) => type)).toEqual([]);
    expect(messages.map((message) => message.type).sort()).toEqual([...schemas.keys()].sort());
  });

  it('shows examples that validate against their own schema and the union of their direction', () => {
    for (const message of messages) {
      const { direction, schema } = schemas.get(message.type)!;
      expect(message.direction, message.type).toBe(direction);
      expect(Value.Check(schema, message.example), `${message.type}: ${JSON.stringify([...Value.Errors(schema, message.example)][0])}`).toBe(true);
      expect(Value.Check(direction === 'client' ? ClientMessage : ServerMessage, message.example), message.type).toBe(true);
      // The page shows that very example.
      expect(page(direction), message.type).toContain(`exampleCode={${JSON.stringify(JSON.stringify(message.example, null, 2))}}`);
    }
  });

  it('pairs every request with the reply the protocol settles it with, and shows that reply and the error', () => {
    const requests = messages.filter((message) => message.role === 'request' && message.type !== 'ping');
    expect(Object.fromEntries(requests.map((message) => [message.type, message.reply]))).toEqual(SIGNALING_REPLY_TYPES);
    const client = page('client');
    for (const request of requests) {
      expect(client, request.type).toContain(`responseTitle={"Reply: ${request.reply}"}`);
      expect(client, request.type).toContain(`**Reply:** [\`${request.reply}\`](./server-messages.mdx#${request.reply})`);
    }
    expect(messages.find((message) => message.type === 'error')?.role).toBe('reply');
    expect(messages.find((message) => message.type === 'user-joined')?.role).toBe('event');
  });

  it('describes every field of every message, limits included where the schema has them', () => {
    expect(messages.flatMap((message) => undescribed(message.fields, `${message.type}.`))).toEqual([]);
    expect(messages.filter((message) => !message.description.trim()).map((message) => message.type)).toEqual([]);
    const join = messages.find((message) => message.type === 'join')!;
    expect(join.fields.find((field) => field.name === 'requestId')?.description).toContain('Limits: 1–64 characters.');
  });

  it('quotes in the overview only facts that the build generated', () => {
    const overview = fs.readFileSync(path.join(SIGNALING_DIR, 'overview.mdx'), 'utf8');
    const expressions = [...overview.matchAll(/\{(facts|close)\.([\w.]+)/g)].map((match) => (match[1] === 'close' ? `close.${match[2]}` : match[2]!));
    expect(expressions.length).toBeGreaterThan(20);
    const unresolved = expressions.filter((expression) => {
      // `close` is the overview's name for facts.close.
      const value = expression.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], facts);
      return value === undefined;
    });
    expect(unresolved).toEqual([]);
  });
});
