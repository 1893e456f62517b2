/**
 * The signaling protocol reference, as the docs build generates it: every message type of the
 * protocol's schemas has its section, every example it shows is a valid message, every field
 * says what it is, and every number the overview page quotes resolves to a generated fact. In
 * Chromium, on the built site: every message renders with its badge, in light and dark, with no
 * serious axe-core violation.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ClientMessage, ServerMessage, SIGNALING_REPLY_TYPES } from '@parley/protocol';
import type { TSchema } from 'typebox';
import axe from 'axe-core';
import type { Browser } from 'playwright-core';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiField } from '../../apps/docs/src/components/ApiMethod/types.ts';
import { ROLE_BADGES, type SignalingMessageDoc } from '../../apps/docs/scripts/lib/signaling/catalogue.ts';
import { DOCS_DIR, ensureDocsBuilt, launchChromium, REPO_DIR, serveDocs, type DocsServer } from '../support/docsSite.ts';

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

describe('signaling protocol reference in the browser', () => {
  let docs: DocsServer;
  let browser: Browser;
  let messages: SignalingMessageDoc[];

  beforeAll(async () => {
    await ensureDocsBuilt();
    messages = JSON.parse(fs.readFileSync(path.join(DOCS_DIR, 'generated/signaling.json'), 'utf8')).messages;
    docs = await serveDocs();
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await docs?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`renders every message with its badge, and passes axe-core, in ${scheme} mode`, async () => {
      // `bypassCSP` lets the test inject axe-core, which the page's CSP rightly blocks.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, bypassCSP: true });
      const problems: string[] = [];
      for (const direction of ['client', 'server'] as const) {
        const page = await context.newPage();
        page.on('pageerror', (error) => problems.push(`${direction}: ${error.message}`));
        await page.goto(`${docs.url}/docs/signaling/${direction}-messages`);
        const rendered = await page.locator('section[aria-labelledby]').evaluateAll((sections) =>
          sections.map((section) => `${section.querySelector('span')?.textContent} ${section.querySelector('code')?.textContent}`),
        );
        const expected = messages
          .filter((message) => message.direction === direction)
          .map((message) => `${ROLE_BADGES[message.role]} ${message.type}`);
        expect(rendered.sort()).toEqual(expected.sort());
        await page.evaluate((theme) => document.documentElement.setAttribute('data-theme', theme), scheme);
        await page.addScriptTag({ content: axe.source });
        const result = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
        problems.push(
          ...result.violations
            .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
            .map((violation) => `${direction}: ${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
        );
        await page.close();
      }
      await context.close();
      expect(problems).toEqual([]);
    }, 120_000);
  }
});
