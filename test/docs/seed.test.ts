/**
 * The seed page, verbatim, builds with the portal's components and renders every prop it passes:
 * ApiMethod's title, summary, badge, fields (nested children included), both code blocks and the
 * ApiCallout in rightIntro, plus the "Security note" warning admonition (MDX 1 title syntax).
 * Expectations are read from the seed text itself, so nothing is checked from memory.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_DIR, launchChromium, REPO_DIR, serveDocs, type DocsServer } from '../support/docsSite.ts';

const run = promisify(execFile);
const FIXTURE = path.join(REPO_DIR, 'test/fixtures/seed-rest-apis-for-video-calling.mdx');
const SHARED_SEED = path.resolve(REPO_DIR, '../shared/seed/000_912aa468eb48c092.txt');
const SEED = fs.readFileSync(FIXTURE, 'utf8');

interface SeedField {
  name: string;
  type: string;
  required: boolean;
  description: string;
  parent?: string;
}

/** The ApiMethod props as the seed writes them. */
function seedProps() {
  const block = SEED.slice(SEED.indexOf('<ApiMethod'), SEED.indexOf('/>', SEED.indexOf('rightIntro=')) + 2);
  const attr = (name: string) => block.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
  const template = (name: string) => block.match(new RegExp(`\\b${name}=\\{\`([\\s\\S]*?)\`\\}`))?.[1];
  const fields: SeedField[] = [];
  let parent: string | undefined;
  for (const line of block.split('\n')) {
    const m = line.match(/\{ name: '([^']+)', type: '([^']+)'(, required: true)?, description: '([^']*)'/);
    if (!m) continue;
    fields.push({ name: m[1]!, type: m[2]!, required: Boolean(m[3]), description: m[4]!, ...(parent ? { parent } : {}) });
    if (line.includes('children: [')) parent = m[1];
    else if (/^\s*\]\s*\}/.test(line) || line.includes('] }')) parent = undefined;
  }
  const callout = block.match(/<ApiCallout title="([^"]+)" accent="([^"]+)">([\s\S]*?)<\/ApiCallout>/);
  return {
    title: attr('title')!,
    summary: attr('summary')!,
    badge: attr('badge')!,
    fieldsTitle: attr('fieldsTitle')!,
    exampleTitle: attr('exampleTitle')!,
    exampleLanguage: attr('exampleLanguage')!,
    exampleCode: template('exampleCode')!,
    responseTitle: attr('responseTitle')!,
    responseLanguage: attr('responseLanguage')!,
    responseCode: template('responseCode')!,
    fields,
    callout: { title: callout![1]!, accent: callout![2]!, text: callout![3]!.replace(/<[^>]+>/g, '') },
  };
}

describe('the seed page, verbatim', () => {
  const props = seedProps();
  let dir: string;
  let docs: DocsServer;
  let browser: Browser;
  let buildMs = 0;

  beforeAll(async () => {
    // Inside the docs workspace, because Docusaurus resolves the preset from the config file's folder.
    fs.mkdirSync(path.join(DOCS_DIR, '.test-sites'), { recursive: true });
    dir = fs.mkdtempSync(path.join(DOCS_DIR, '.test-sites', 'seed-'));
    fs.mkdirSync(path.join(dir, 'docs'));
    fs.writeFileSync(path.join(dir, 'docs/rest-apis-for-video-calling.mdx'), SEED);
    // The portal's own configuration, with only the docs folder changed and lenient link checks:
    // the seed links to an SDK guide that is not part of this site.
    fs.writeFileSync(
      path.join(dir, 'seed.config.ts'),
      `import { createSiteConfig } from ${JSON.stringify(path.join(DOCS_DIR, 'siteConfig.ts'))};\n` +
        `export default createSiteConfig({ docsPath: ${JSON.stringify(path.join(dir, 'docs'))}, strictLinks: false });\n`,
    );
    const started = performance.now();
    await run(
      process.execPath,
      [path.join(REPO_DIR, 'node_modules/@docusaurus/core/bin/docusaurus.mjs'), 'build', DOCS_DIR, '--config', path.join(dir, 'seed.config.ts'), '--out-dir', path.join(dir, 'build')],
      { cwd: REPO_DIR, maxBuffer: 64 * 1024 * 1024 },
    );
    buildMs = performance.now() - started;
    docs = await serveDocs(path.join(dir, 'build'));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await docs?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is the shared seed text, byte for byte', () => {
    if (fs.existsSync(SHARED_SEED)) expect(SEED).toBe(fs.readFileSync(SHARED_SEED, 'utf8'));
    expect(props.fields.map((f) => `${f.parent ? `${f.parent}.` : ''}${f.name}`)).toEqual([
      'type', 'event_id', 'previous_item_id', 'item', 'item.type', 'item.role', 'item.content',
    ]);
  });

  it('is followed by the portal\'s own page: same front matter keys (plus a sidebar label) and title, same sections', () => {
    const portalPage = fs.readFileSync(path.join(DOCS_DIR, 'docs/rest-apis-for-video-calling.mdx'), 'utf8');
    const outline = (mdx: string) => {
      const [, front = '', body = ''] = mdx.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/) ?? [];
      const prose = body.replace(/```[\s\S]*?```/g, '');
      return {
        // The portal adds a sidebar label: the seed's title and its heading differ, and the label fits both.
        keys: front.split('\n').map((line) => line.split(':')[0]).filter((key) => key !== 'sidebar_label'),
        title: front.match(/^title: (.*)$/m)?.[1],
        headings: [...prose.matchAll(/^(#{1,4}) (.+)$/gm)].map((m) => `${m[1]} ${m[2]!.replaceAll('Agora', 'Parley')}`),
        warning: prose.includes(':::warning Security note'),
      };
    };
    expect(outline(portalPage)).toEqual(outline(SEED));
  });

  it('builds', () => {
    expect(fs.existsSync(path.join(dir, 'build/rest-apis-for-video-calling.html'))).toBe(true);
    console.log(`seed site build: ${Math.round(buildMs)} ms`);
  });

  /** The page as served, without JavaScript: what the static build itself contains. */
  async function staticPage(): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto(`${docs.url}/docs/rest-apis-for-video-calling`);
    expect(response?.status()).toBe(200);
    return page;
  }

  it('renders every ApiMethod prop and the callout', async () => {
    const page = await staticPage();
    const method = page.locator('section', { has: page.locator(`code:text-is("${props.title}")`) });
    await expect(method.count()).resolves.toBe(1);
    expect(await method.locator(`span:text-is("${props.badge}")`).count()).toBe(1);
    expect(await method.textContent()).toContain(props.summary);
    expect(await method.locator(`p:text-is("${props.fieldsTitle}")`).count()).toBe(1);

    // A field is the <li> whose own head names it (not one of its children's).
    const fieldItem = (list: Locator, name: string) => list.locator(':scope > li').filter({ has: page.locator(`:scope > div > code:text-is("${name}")`) });
    const topList = method.locator('ul').first();
    for (const field of props.fields) {
      const list = field.parent ? fieldItem(topList, field.parent).locator(':scope > ul') : topList;
      const item = fieldItem(list, field.name);
      expect(await item.count(), `field ${field.parent ?? ''}.${field.name}`).toBe(1);
      const text = (await item.textContent()) ?? '';
      expect(text).toContain(field.type);
      expect(text).toContain(field.description);
      expect(await item.locator(':scope > div span:text-is("required")').count(), `${field.name} required mark`).toBe(field.required ? 1 : 0);
    }
    // The nested fields sit in a list controlled by the parent's toggle.
    const toggle = method.getByRole('button', { name: /child fields of item/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    for (const [title, language, code] of [
      [props.exampleTitle, props.exampleLanguage, props.exampleCode],
      [props.responseTitle, props.responseLanguage, props.responseCode],
    ] as const) {
      const block = method.locator('.theme-code-block', { has: page.locator(`text="${title}"`) });
      expect(await block.count(), `${title} code block`).toBe(1);
      expect(await block.getAttribute('class')).toContain(`language-${language}`);
      // MDX takes the prop's own indentation (two spaces) off each continuation line of the template.
      const expected = code.split('\n').map((line, index) => (index === 0 ? line : line.replace(/^ {1,2}/, ''))).join('\n');
      expect((await block.locator('.token-line').allTextContents()).join('\n').trim()).toBe(expected.trim());
    }

    const callout = method.getByRole('note', { name: props.callout.title });
    expect(await callout.getAttribute('data-accent')).toBe(props.callout.accent);
    expect((await callout.textContent())?.replace(/\s+/g, ' ')).toContain(props.callout.text.replace(/\s+/g, ' '));
    expect(await callout.locator('strong:text-is("Basic Auth")').count()).toBe(1);
    await page.context().close();
  });

  it('renders ":::warning Security note" as a warning admonition titled "Security note"', async () => {
    const page = await staticPage();
    const admonition = page.locator('.theme-admonition-warning');
    expect(await admonition.count()).toBe(1);
    expect((await admonition.textContent()) ?? '').toMatch(/^Security note\s*Keep your credentials secure/);
    // Not the silent failure mode: the title text must not appear as a plain paragraph.
    expect(await page.locator('p:text-matches("^:::warning")').count()).toBe(0);
    await page.context().close();
  });

  it('hydrates without errors, and the child fields open from the keyboard', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${docs.url}/docs/rest-apis-for-video-calling`);
    const toggle = page.getByRole('button', { name: /child fields of item/ });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    for (const name of ['role', 'content']) expect(await page.locator(`ul:not([hidden]) code:text-is("${name}")`).first().isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
