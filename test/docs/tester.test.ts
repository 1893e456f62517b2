/**
 * The live tester in Chromium, on the built portal, against a real Parley server with a real
 * project: sending, refusing, validating before sending, code that runs, keyboard use, labels and
 * an axe-core audit. The site is served from another origin than the API, so every request the
 * tester makes crosses CORS as it would from a separately hosted portal.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import axe from 'axe-core';
import * as cheerio from 'cheerio';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageSlug } from '../../apps/docs/src/api/pageSlug.ts';
import { DOCS_BUILD_DIR, type CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { DOCS_DIR, ensureDocsBuilt, launchChromium, SCREENSHOT_DIR, serveDocs, tempDir, type DocsServer } from '../support/docsSite.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const SEED_PAGE = '/docs/rest-apis-for-video-calling';
const MASK = '••••••••';

describe('the live API tester', () => {
  let t: TestServer;
  let project: CreatedProject;
  let docs: DocsServer;
  let browser: Browser;
  /** Every request the pages send to the API server (preflights included), and every console line. */
  const apiRequests: string[] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    const root = await ensureDocsBuilt();
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('pro');
    docs = await serveDocs(root);
    browser = await launchChromium();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await docs?.close();
    await t?.stop();
  });

  /** `bypassCSP` lets a test inject its own script (axe-core), which the page's CSP rightly blocks. */
  async function openSeedPage(options: { bypassCSP?: boolean } = {}): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, ...options });
    page.on('request', (request) => request.url().startsWith(t.url) && apiRequests.push(`${request.method()} ${request.url()}`));
    page.on('console', (message) => consoleLines.push(message.text()));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    await page.goto(`${docs.url}${SEED_PAGE}`);
    // Hydrated once the send button is enabled.
    await tester(page).getByRole('button', { name: 'Send request' }).waitFor();
    await expect.poll(() => tester(page).getByRole('button', { name: 'Send request' }).isEnabled()).toBe(true);
    return page;
  }

  const tester = (page: Page): Locator => page.locator('section[data-operation="createChannel"]');
  /** The text of a theme code block, line by line (its title and copy button left out). */
  const codeText = async (block: Locator): Promise<string> => (await block.locator('.token-line').allTextContents()).join('\n');
  const responseBody = (page: Page) => codeText(tester(page).getByTestId('tester-response').locator('.theme-code-block'));

  async function fillConnection(page: Page, secret = project.customerSecret!) {
    const form = tester(page);
    await form.getByLabel('Server URL').fill(t.url);
    await form.getByLabel('Customer ID').fill(project.customerId);
    await form.getByLabel('Customer Secret', { exact: false }).first().fill(secret);
    await form.getByLabel('projectId').fill(project.appId);
  }

  async function channelInput(page: Page): Promise<Locator> {
    return tester(page).getByLabel(/^channel\b/);
  }

  it('opens the seed page, sends "Create a channel" with real credentials and shows the 200 and its body', async () => {
    const page = await openSeedPage();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'seed-page.png'), fullPage: true });
    await fillConnection(page);
    await (await channelInput(page)).fill('docs-tester-1');
    await tester(page).getByRole('button', { name: 'Send request' }).click();

    const response = tester(page).getByTestId('tester-response');
    await expect.poll(() => response.getAttribute('data-status')).toBe('200');
    expect(JSON.parse(await responseBody(page))).toMatchObject({ code: 200, message: 'success', data: { channel: 'docs-tester-1', createdByUid: 'user_12345' } });
    expect(await response.textContent()).toMatch(/200 OK in \d+ ms/);
    // The rate-limit headers the server exposes through CORS are shown and highlighted.
    const rateRows = response.locator('tr[data-rate-limit]');
    expect((await rateRows.allTextContents()).join(' ')).toMatch(/x-ratelimit-limit.*500/i);
    expect(await rateRows.count()).toBe(3);
    // The sticky navbar would otherwise be painted over the middle of a tall element screenshot.
    await page.addStyleTag({ content: '.navbar { position: static !important; }' });
    await tester(page).screenshot({ path: path.join(SCREENSHOT_DIR, 'tester-response.png') });

    // It really reached the server: the channel exists.
    const read = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/docs-tester-1`, { auth: basic(project.customerId, project.customerSecret!) });
    expect(read.status).toBe(200);
    // The secret stayed in memory: nothing in web storage, nothing logged, masked in the input.
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }))).not.toContain(project.customerSecret!);
    expect(await tester(page).getByLabel('Customer Secret').first().getAttribute('type')).toBe('password');
    expect(consoleLines.join('\n')).not.toContain(project.customerSecret!);

    // Only when asked: kept in this tab's sessionStorage, gone again when unticked.
    const stored = () => page.evaluate(() => sessionStorage.getItem('parley-docs-connection') ?? '');
    await tester(page).getByLabel(/Remember in this browser tab/).check();
    expect(await stored()).toContain(project.customerSecret!);
    await tester(page).getByLabel(/Remember in this browser tab/).uncheck();
    expect(await stored()).toBe('');
    await page.close();
  });

  it('shows the 401 for a wrong secret', async () => {
    const page = await openSeedPage();
    await fillConnection(page, '0'.repeat(32));
    await tester(page).getByRole('button', { name: 'Send request' }).click();
    const response = tester(page).getByTestId('tester-response');
    await expect.poll(() => response.getAttribute('data-status')).toBe('401');
    expect(JSON.parse(await responseBody(page))).toMatchObject({ code: 401, message: 'Unauthorized', details: { reason: 'Customer ID or Customer Secret is wrong' } });
    expect(await response.textContent()).toContain('401 Unauthorized');
    await page.close();
  });

  it('blocks an invalid channel name before sending: a message by the field, and no request at all', async () => {
    const page = await openSeedPage();
    await fillConnection(page);
    const channel = await channelInput(page);
    await channel.fill('bad/name');
    await expect.poll(() => channel.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await channel.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('has characters that are not allowed');

    const before = apiRequests.length;
    await tester(page).getByRole('button', { name: 'Send request' }).click();
    const summary = tester(page).getByTestId('tester-errors');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/Not sent: one problem needs fixing first\.channel \(body\)/);
    // Focus goes to the first problem's link, which leads back to the field.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('channel (body)');
    await page.keyboard.press('Enter');
    await expect.poll(() => channel.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.waitForTimeout(300);
    expect(apiRequests.slice(before)).toEqual([]);
    expect(await tester(page).getByTestId('tester-response').count()).toBe(0);
    await page.close();
  });

  it('switches code tabs, masks the secret until shown, and its cURL runs in a shell', async () => {
    const page = await openSeedPage();
    await fillConnection(page);
    await (await channelInput(page)).fill('docs-curl-1');
    const code = tester(page).getByTestId('tester-code');
    const visibleCode = () => codeText(code.locator('[role="tabpanel"]:not([hidden]) .theme-code-block'));

    expect(await visibleCode()).toContain(`-u '${project.customerId}:${MASK}'`);
    expect(await code.getByRole('button', { name: /copy code/i }).count()).toBeGreaterThan(0);
    expect(await visibleCode()).not.toContain(project.customerSecret!);

    await code.getByRole('tab', { name: 'JavaScript' }).click();
    await expect.poll(visibleCode).toContain('await fetch(');
    await code.getByRole('tab', { name: 'Python' }).click();
    await expect.poll(visibleCode).toContain('requests.post(');
    await code.getByRole('tab', { name: 'More languages' }).click();
    await expect.poll(visibleCode).toContain('axios');
    await code.getByLabel('Language').selectOption({ label: 'Go' });
    await expect.poll(visibleCode).toContain('http.NewRequest');

    await code.getByLabel('Show secrets in code').check();
    await code.getByRole('tab', { name: 'cURL' }).click();
    await expect.poll(visibleCode).toContain(project.customerSecret!);
    const curl = await visibleCode();
    const { stdout } = await run('bash', ['-c', `${curl} -sS`]);
    expect(JSON.parse(stdout)).toMatchObject({ code: 200, data: { channel: 'docs-curl-1' } });

    // The other two, as shown on the page, parse with their own tools.
    const dir = tempDir('parley-docs-page-code-');
    await code.getByRole('tab', { name: 'JavaScript' }).click();
    fs.writeFileSync(path.join(dir, 'page.mjs'), await visibleCode());
    await run(process.execPath, ['--check', path.join(dir, 'page.mjs')]);
    await code.getByRole('tab', { name: 'Python' }).click();
    fs.writeFileSync(path.join(dir, 'page.py'), await visibleCode());
    await run('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', path.join(dir, 'page.py')]);
    fs.rmSync(dir, { recursive: true, force: true });
    await page.close();
  });

  it('works from the keyboard alone, with every input labelled', async () => {
    const page = await openSeedPage();
    const form = tester(page);
    const unlabelled = await form.locator('input, select, textarea').evaluateAll((elements) =>
      elements
        .filter((el) => {
          const control = el as HTMLInputElement;
          return control.labels?.length === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby');
        })
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);

    // Tab from the server URL through the form to the send button, typing as a keyboard user would.
    await form.getByLabel('Server URL').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(t.url);
    const typed: Record<string, string> = { 'Customer ID': project.customerId, 'Customer Secret': project.customerSecret!, projectId: project.appId };
    const visited: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        const label = el?.labels?.[0]?.textContent ?? el?.getAttribute('aria-label') ?? el?.textContent ?? '';
        return { tag: el?.tagName ?? '', label: label.trim(), inTester: Boolean(el?.closest('section[data-operation="createChannel"]')) };
      });
      expect(focused.inTester, `focus left the tester at ${JSON.stringify(focused)}`).toBe(true);
      visited.push(focused.label);
      const field = Object.keys(typed).find((name) => focused.label.startsWith(name));
      if (field && focused.tag === 'INPUT') await page.keyboard.type(typed[field]!);
      if (focused.label === 'Send request') break;
    }
    expect(visited.at(-1)).toBe('Send request');
    expect(visited).toEqual(expect.arrayContaining(['Customer ID (required)', 'Show Customer Secret', 'Form', 'JSON']));
    await page.keyboard.press('Enter');
    await expect.poll(() => form.getByTestId('tester-response').getAttribute('data-status')).toBe('200');
    expect(await page.evaluate(() => document.querySelector('[role="status"]')?.textContent)).toMatch(/^Response 200 in \d+ ms$/);

    // The body's JSON editor is reachable and edits the same request.
    await form.getByRole('button', { name: 'JSON' }).focus();
    await page.keyboard.press('Enter');
    const json = form.getByLabel('Request body (JSON)');
    await json.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('{"channel": "from-the-keyboard"}');
    await form.getByRole('button', { name: 'Send request' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => responseBody(page)).toContain('from-the-keyboard');
    await page.close();
  });

  it('has no serious or critical axe-core violations on the seed page, with a response and with errors shown', async () => {
    const page = await openSeedPage({ bypassCSP: true });
    const audit = async () => {
      await page.addScriptTag({ content: axe.source });
      const result = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    };
    expect(await audit()).toEqual([]);
    await fillConnection(page);
    await tester(page).getByRole('button', { name: 'Send request' }).click();
    await tester(page).getByTestId('tester-response').waitFor();
    await (await channelInput(page)).fill('bad/name');
    await tester(page).getByRole('button', { name: 'Send request' }).click();
    await tester(page).getByTestId('tester-errors').waitFor();
    expect(await audit()).toEqual([]);
    for (const other of ['/docs/', '/docs/reference/get-channel', '/docs/errors']) {
      await page.goto(`${docs.url}${other}`);
      expect(await audit(), other).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${docs.url}${SEED_PAGE}`);
    expect(await audit(), 'dark theme').toEqual([]);
    await page.close();
  });

  it('lays ApiMethod out in two columns, and in one on a narrow screen', async () => {
    const page = await openSeedPage();
    const method = page.locator('section', { has: page.locator('code:text-is("/v1/projects/{projectId}/rtc/channels")') }).last();
    const columns = async () => {
      const [left, right] = await Promise.all([method.getByText('Request', { exact: true }).boundingBox(), method.getByRole('note', { name: 'Authorization' }).boundingBox()]);
      return left!.x < right!.x && Math.abs(left!.y - right!.y) < 40 ? 'two' : right!.y > left!.y ? 'one' : 'other';
    };
    expect(await columns()).toBe('two');
    await page.setViewportSize({ width: 600, height: 900 });
    await expect.poll(columns).toBe('one');
    await page.close();
  });

  it('has a generated reference page with ApiMethod and a tester for every operation', async () => {
    const operations = JSON.parse(fs.readFileSync(path.join(DOCS_DIR, 'generated/operations.json'), 'utf8')) as Array<{ operationId: string; method: string; path: string }>;
    // Every page's server-rendered HTML, as a crawler or a reader without scripts gets it. Read over
    // HTTP and parsed here: 59 page loads in Chromium took 12 s on a quiet machine and over 30 s on a
    // busy CI one, nearly all of it Playwright setting itself up in each new document.
    for (const operation of operations) {
      const slug = pageSlug(operation.operationId);
      const response = await fetch(`${docs.url}/docs/reference/${slug}`);
      expect(response.status, slug).toBe(200);
      const html = cheerio.load(await response.text());
      expect(html(`section[data-operation="${operation.operationId}"]`).length, slug).toBe(1);
      const paths = html('section code').filter((_, code) => html(code).text() === operation.path);
      expect(paths.length, slug).toBeGreaterThan(0);
    }
    // Agora's routes among them, both families.
    const ids = operations.map((operation) => operation.operationId);
    expect(ids).toEqual(expect.arrayContaining(['agoraListChannels', 'agoraCreateKickingRule', 'agoraDeleteKickingRule', 'agoraAcquire', 'agoraStart', 'agoraStop']));
  });

  /** A generated reference page, hydrated, with the connection filled in (the project goes in as Agora's `appid`). */
  async function openReferencePage(operationId: string): Promise<{ page: Page; form: Locator }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => request.url().startsWith(t.url) && apiRequests.push(`${request.method()} ${request.url()}`));
    await page.goto(`${docs.url}/docs/reference/${pageSlug(operationId)}`);
    const form = page.locator(`section[data-operation="${operationId}"]`);
    await form.getByRole('button', { name: 'Send request' }).waitFor();
    await expect.poll(() => form.getByRole('button', { name: 'Send request' }).isEnabled(), { timeout: 10_000 }).toBe(true);
    await form.getByLabel('Server URL').fill(t.url);
    await form.getByLabel('Customer ID').fill(project.customerId);
    await form.getByLabel('Customer Secret', { exact: false }).first().fill(project.customerSecret!);
    return { page, form };
  }

  it('sends an Agora Channel Management query from its reference page and shows Agora\'s 200', async () => {
    const { page, form } = await openReferencePage('agoraListUsers');
    // The static example names the server the page is served from, with Agora's path.
    const example = page.locator('.theme-code-block', { has: page.locator('text=Example request') }).first();
    await expect.poll(() => codeText(example)).toContain(`${docs.url}/dev/v1/channel/user/YOUR_APPID/YOUR_CHANNEL_NAME`);
    expect(await codeText(example)).not.toContain('127.0.0.1:8080');

    await form.getByLabel('appid').fill(project.appId);
    await form.getByLabel('channelName').fill('agora-room');
    await form.getByRole('button', { name: 'Send request' }).click();
    const response = form.getByTestId('tester-response');
    await expect.poll(() => response.getAttribute('data-status')).toBe('200');
    const body = await codeText(response.locator('.theme-code-block'));
    expect(JSON.parse(body)).toEqual({ success: true, data: { channel_exist: false } });
    expect(apiRequests).toContain(`GET ${t.url}/dev/v1/channel/user/${project.appId}/agora-room`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'agora-list-users.png'), fullPage: true });
    await page.close();
  });

  it('creates an Agora kicking rule from its tester, its body checked first', async () => {
    const { page, form } = await openReferencePage('agoraCreateKickingRule');
    await form.getByRole('button', { name: 'JSON' }).click();
    const json = form.getByLabel('Request body (JSON)');
    await json.fill(JSON.stringify({ appid: project.appId, cname: 'agora-kick', privileges: ['shout'] }));
    const before = apiRequests.length;
    await form.getByRole('button', { name: 'Send request' }).click();
    await form.getByTestId('tester-errors').waitFor();
    expect(apiRequests.slice(before)).toEqual([]);

    await json.fill(JSON.stringify({ appid: project.appId, cname: 'agora-kick', time: 5, privileges: ['join_channel'] }));
    await form.getByRole('button', { name: 'Send request' }).click();
    const response = form.getByTestId('tester-response');
    await expect.poll(() => response.getAttribute('data-status')).toBe('200');
    expect(JSON.parse(await codeText(response.locator('.theme-code-block')))).toMatchObject({ status: 'success', id: expect.any(Number) });
    const rules = await t.server.services.kickingRules.list(project.appId);
    expect(rules.map((rule) => rule.channel)).toContain('agora-kick');
    await page.close();
  });

  it('opens the API server\'s OpenAPI document from the navbar when the server serves the portal', async () => {
    // `parley serve` serves the portal itself: the link is this origin's /v1/openapi.json, outside /docs/.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/docs/`);
    const link = page.getByRole('navigation').getByRole('link', { name: /OpenAPI/ });
    const answered = page.context().waitForEvent('response', (r) => r.url().endsWith('/openapi.json'));
    const opened = page.waitForEvent('popup');
    await link.click();
    const [document, answer] = await Promise.all([opened, answered]);
    expect(answer.url()).toBe(`${t.url}/v1/openapi.json`);
    expect(answer.status()).toBe(200);
    const spec = JSON.parse(await answer.text()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/dev/v1/channel/{appid}');
    await document.close();
    await page.close();
  });

  it('names no made-up site URL when none is configured: none in the built page, the reader\'s origin in the browser', async () => {
    const html = fs.readFileSync(path.join(DOCS_BUILD_DIR, 'reference', `${pageSlug('agoraAcquire')}.html`), 'utf8');
    expect(html).not.toMatch(/rel=["']?canonical|og:url|parley\.invalid/);
    const page = await browser.newPage();
    await page.goto(`${docs.url}/docs/reference/${pageSlug('agoraAcquire')}`);
    await expect.poll(() => page.locator('link[rel="canonical"]').getAttribute('href'), { timeout: 10_000 }).toBe(`${docs.url}/docs/reference/agora-acquire`);
    // Also after an in-site navigation, when the theme writes the head again.
    await page.locator('nav a[href="/docs/reference/agora-stop"]').first().click();
    await expect.poll(() => page.locator('link[rel="canonical"]').getAttribute('href'), { timeout: 10_000 }).toBe(`${docs.url}/docs/reference/agora-stop`);
    const standIns = await page.locator('head *').evaluateAll((els) => els.map((el) => el.outerHTML).filter((html) => html.includes('parley.invalid')));
    expect(standIns).toEqual([]);
    await page.close();
  });

  it('lets the docs origin call the API: preflight with Authorization, exposed rate-limit headers', async () => {
    const preflight = await fetch(`${t.url}/v1/projects/${project.appId}/rtc/channels`, {
      method: 'OPTIONS',
      headers: { Origin: docs.url, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/127\.0\.0\.1:\d+)$/);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const answer = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: basic(project.customerId, project.customerSecret!), headers: { Origin: docs.url } });
    expect(answer.headers.get('access-control-expose-headers')).toContain('X-RateLimit-Remaining');
  });
});
