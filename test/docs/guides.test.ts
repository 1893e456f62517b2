/**
 * The guides' generated parts, checked in the built site against their sources rather than against
 * the generator's output: the Configuration guide lists every variable `variables.ts` declares,
 * the Monitoring guide every metric a running server exposes and every one `observability.ts`
 * names, the Webhooks guide every event name and the receivers' files as they are in examples/, and
 * the SDK quickstarts every file of their apps in examples/quickstarts, character for character.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WEBHOOK_EVENTS } from '@parley/protocol';
import axe from 'axe-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../apps/docs/scripts/lib/prometheusText.ts';
import { QUICKSTART_FILES } from '../../apps/docs/scripts/lib/quickstarts.ts';
import { BACKENDS } from '../support/backends.ts';
import { ensureDocsBuilt, launchChromium, REPO_DIR, serveDocs } from '../support/docsSite.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let buildDir: string;
const page = (route: string) => fs.readFileSync(path.join(buildDir, `${route}.html`), 'utf8');
const source = (file: string) => fs.readFileSync(path.join(REPO_DIR, file), 'utf8');
/** The first cell of every table row of a page, when it is all inline code (the minified HTML may omit `</td>`). */
const firstCells = (html: string) => [...html.matchAll(/<tr><td><code>([^<]+)<\/code>(?:<\/td>)?<td>/g)].map((match) => match[1]);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** A page's text: tags stripped, entities decoded. */
const pageText = (html: string) =>
  html.replace(/<[^>]+>/g, '').replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? entity;
  });

beforeAll(async () => {
  buildDir = await ensureDocsBuilt();
}, 300_000);

describe('the Configuration guide', () => {
  it('has one row for every variable variables.ts declares, and no other', () => {
    const declared = [...source('packages/server/src/config/variables.ts').matchAll(/variable\(\{\s*name: '(PARLEY_[A-Z0-9_]+)'/g)].map((match) => match[1]);
    expect(declared.length).toBeGreaterThan(20);
    const rows = firstCells(page('self-hosting/configuration')).filter((cell) => cell?.startsWith('PARLEY_'));
    expect(rows).toEqual(declared);
  });
});

describe('the Monitoring guide', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists every metric family a running server exposes on /metrics', async () => {
    const exposed = parsePrometheusText(await (await fetch(`${t.url}/metrics`)).text()).map((family) => family.name);
    expect(exposed).toContain('parley_rtc_participants');
    const listed = firstCells(page('self-hosting/monitoring')).filter((cell) => cell?.startsWith('parley_'));
    expect(new Set(listed)).toEqual(new Set(exposed));
    expect(listed).toHaveLength(exposed.length);
  });

  it('lists every metric observability.ts defines', () => {
    const defined = [...source('packages/server/src/http/observability.ts').matchAll(/'(parley_[a-z0-9_]+)'/g)].map((match) => match[1]);
    expect(defined.length).toBeGreaterThan(10);
    expect(firstCells(page('self-hosting/monitoring'))).toEqual(expect.arrayContaining(defined));
  });
});

describe('the Webhooks guide', () => {
  it('has a row for every event name a webhook can subscribe to', () => {
    expect(firstCells(page('webhooks'))).toEqual(expect.arrayContaining(Object.keys(WEBHOOK_EVENTS)));
  });

  it('shows the receivers of examples/webhook-receivers line for line', () => {
    const shown = pageText(page('webhooks'));
    for (const file of ['examples/webhook-receivers/node/receiver.mjs', 'examples/webhook-receivers/python/receiver.py']) {
      const lines = source(file).split('\n').map((line) => line.trim()).filter(Boolean);
      // Prism splits lines into tokens; the page's text holds each line whole.
      for (const line of lines) expect(shown, `${file}: ${line}`).toContain(line);
    }
  });
});

/** A built page's titled code blocks, title → the code's text (each line is a <div> ending in <br/>). */
const codeBlocks = (html: string) =>
  new Map([...html.matchAll(/class="?codeBlockTitle[^>]*>([^<]*)<\/div>.*?<code[^>]*>(.*?)<\/code>/gs)].map((match) => [match[1]!, pageText(match[2]!.replaceAll('<br/>', '\n'))]));

describe('the SDK quickstarts', () => {
  it('show every file of their app in examples/quickstarts as it is, under its title', () => {
    for (const [app, files] of Object.entries(QUICKSTART_FILES)) {
      const html = page(`sdk-documentation/quickstart-${app}`);
      const blocks = codeBlocks(html);
      expect([...blocks.keys()], app).toEqual(Object.keys(files));
      for (const file of Object.keys(files)) {
        expect(blocks.get(file)?.trimEnd(), `${app}/${file}`).toBe(source(`examples/quickstarts/${app}/${file}`).trimEnd());
      }
    }
  });

  it('are linked from the SDK guide and the home page, and their heading is their title', () => {
    const guide = page('sdk-documentation/video-calling-sdk-guide');
    for (const app of Object.keys(QUICKSTART_FILES)) {
      expect(guide, app).toMatch(new RegExp(`href="?/docs/sdk-documentation/quickstart-${app}"?[ >]`));
      const html = page(`sdk-documentation/quickstart-${app}`);
      expect(html.match(/<h1>([^<]*)<\/h1>/)?.[1]).toBe(html.match(/<title[^>]*>([^|<]*?) \|/)?.[1]);
    }
    expect(page('index')).toMatch(/href="?\/docs\/sdk-documentation\/quickstart-javascript"?[ >]/);
  });
});

describe('the guides in Chromium', () => {
  // One page of each kind the guides are made of (home, index cards, prose with code and tabs, wide
  // generated tables, titled code files), not every page: each costs axe seconds twice over.
  const GUIDES = ['', 'console', 'reference', 'webhooks', 'self-hosting/deployment', 'self-hosting/configuration', 'self-hosting/monitoring', 'sdk-documentation/quickstart-react'];

  it('have no serious or critical axe-core violations, light and dark, and no sideways scrolling on a phone', async () => {
    const docs = await serveDocs();
    const browser = await launchChromium();
    try {
      const found: string[] = [];
      // Light and dark side by side: axe waits on the page as much as it computes.
      await Promise.all((['light', 'dark'] as const).map(async (colorScheme) => {
        // `bypassCSP` lets the test inject axe-core, which the pages' CSP rightly blocks.
        const context = await browser.newContext({ viewport: { width: 390, height: 800 }, colorScheme, bypassCSP: true });
        const page = await context.newPage();
        for (const guide of GUIDES) {
          expect((await page.goto(`${docs.url}/docs/${guide}`, { waitUntil: 'networkidle' }))?.status()).toBe(200);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 0) found.push(`${guide} (${colorScheme}): scrolls sideways by ${overflow}px`);
          await page.addScriptTag({ content: axe.source });
          const result = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
          for (const violation of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
            found.push(`${guide} (${colorScheme}): ${violation.id} ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(', ')}`);
          }
        }
        await context.close();
      }));
      expect(found.sort()).toEqual([]);
    } finally {
      await browser.close();
      await docs.close();
    }
  }, 120_000);
});

describe('parsePrometheusText', () => {
  it('reads families, their types and help, and the label names of their samples', () => {
    const families = parsePrometheusText([
      '# HELP a_seconds Time with a \\\\ and a \\n',
      '# TYPE a_seconds histogram',
      'a_seconds_bucket{le="0.1",route="/x",method="GET"} 1',
      'a_seconds_sum{route="/x",method="GET"} 0.05',
      '# HELP b_total Things',
      '# TYPE b_total counter',
      'b_total 3',
    ].join('\n'));
    expect(families).toEqual([
      { name: 'a_seconds', type: 'histogram', help: 'Time with a \\ and a \n', labels: ['route', 'method'] },
      { name: 'b_total', type: 'counter', help: 'Things', labels: [] },
    ]);
  });
});
