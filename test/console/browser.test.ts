/**
 * The console in real Chromium against a real server: an owner signs in and manages projects and
 * certificates, a viewer sees no secret and the server refuses their writes, a cross-site form
 * post changes nothing, wrong passwords are throttled, and every page passes axe-core at desktop
 * and phone width in light and dark (screenshots in test-results/console).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { FAST_WEBHOOK_RETRIES, WebhookReceiver } from '../support/webhookReceiver.ts';
import { ensureConsoleBuilt, launchBrowser, newContext, SCREENSHOT_DIR, seriousViolations, sessionCookie, signIn } from './support.ts';

const VIEWER_PASSWORD = 'viewer password 1234';

describe('the console in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let owner: { email: string; password: string };
  let demoAppId: string;
  let receiver: WebhookReceiver;
  const contexts: BrowserContext[] = [];

  async function context(options: Parameters<typeof newContext>[2] = {}): Promise<BrowserContext> {
    const created = await newContext(browser, t.url, options);
    contexts.push(created);
    return created;
  }

  beforeAll(async () => {
    await ensureConsoleBuilt();
    // Not dev mode: the console and its "Try a call" must work on a production server.
    t = await startTestServer(BACKENDS[0]!, FAST_WEBHOOK_RETRIES, { bootstrap: true });
    receiver = await WebhookReceiver.start();
    owner = t.server.firstRun!.consoleOwner;
    demoAppId = t.server.firstRun!.appId;
    const account = await t.server.services.projects.findAccountByCustomerId(t.server.firstRun!.customerId);
    await t.server.services.console.users.create({ accountId: account!.id, email: 'viewer@example.com', password: VIEWER_PASSWORD, role: 'viewer' });
    browser = await launchBrowser();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.stop();
    await receiver?.close();
  });

  it('lets an owner create a project, rename it, and reveal and copy its App Certificate', async () => {
    const page = await signIn(await context(), t.url, owner.email, owner.password);
    await page.getByRole('button', { name: 'Create project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a project' });
    // A name the server refuses is shown under the field, in its words.
    await dialog.getByLabel('Name').fill(' ');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => dialog.getByText(/must|characters|empty/i).count()).toBeGreaterThan(0);
    await dialog.getByLabel('Name').fill('Browser app');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Credentials' }).waitFor();
    const appId = new URL(page.url()).pathname.split('/')[3]!;
    expect(appId).toMatch(/^[0-9a-f]{32}$/);

    // Hidden until "Show"; then the value is the project's certificate, and "Copy" puts it on the clipboard.
    await expect.poll(() => page.getByRole('button', { name: 'Show', exact: true }).count()).toBe(1);
    const project = await t.server.services.projects.findCertificate(appId);
    expect(await page.content()).not.toContain(project);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByText(project!, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Copy primary App Certificate' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(project);

    // Rename from the projects list.
    await page.getByRole('link', { name: 'All projects' }).click();
    await page.getByRole('button', { name: 'Actions for Browser app' }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Browser app renamed');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('link', { name: 'Browser app renamed' }).waitFor();
    const listed = await t.server.services.projects.listProjects((await t.server.services.projects.findAccountByCustomerId(t.server.firstRun!.customerId))!.id);
    expect(listed.find((p) => p.appId === appId)?.name).toBe('Browser app renamed');
  });

  it('switches testing mode on the Credentials page, asking first and warning while it is on', async () => {
    const page = await signIn(await context(), t.url, owner.email, owner.password);
    await page.goto(`${t.url}/console/projects/${demoAppId}/credentials`);
    const toggle = page.getByRole('switch', { name: 'Accept joins without a token' });
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click({ force: true });
    const dialog = page.getByRole('dialog', { name: 'Turn testing mode on?' });
    await dialog.getByText('anyone with the App ID can join any channel', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Turn on testing mode' }).click();
    await page.getByRole('alert').filter({ hasText: 'Anyone with the App ID can join any channel' }).waitFor();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    expect((await t.server.services.projects.findProject(demoAppId))?.testingMode).toBe(true);

    // Off again (enforcing the certificate) needs no confirmation; the warning goes.
    await toggle.click({ force: true });
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Anyone with the App ID' }).count()).toBe(0);
    expect((await t.server.services.projects.findProject(demoAppId))?.testingMode).toBe(false);
  });

  it('shows a viewer no secret, and the server refuses their writes whatever the page shows', async () => {
    const viewerContext = await context();
    const page = await signIn(viewerContext, t.url, 'viewer@example.com', VIEWER_PASSWORD);
    expect(await page.getByRole('button', { name: 'Create project' }).count()).toBe(0);
    await page.goto(`${t.url}/console/projects/${demoAppId}/credentials`);
    await page.getByText('Viewers do not see certificates').waitFor();
    expect(await page.getByRole('button', { name: 'Show', exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(t.server.firstRun!.appCertificate);

    // The same session, used directly: every change is refused by the server, not just hidden.
    const cookie = await sessionCookie(viewerContext);
    const session = await call(t.url, 'GET', '/v1/console/session', { headers: { cookie } });
    const headers = { cookie, 'x-csrf-token': session.body.data.csrfToken };
    const writes = [
      await call(t.url, 'POST', '/v1/console/projects', { headers, body: { name: 'not allowed' } }),
      await call(t.url, 'POST', `/v1/console/projects/${demoAppId}/certificates/primary/reveal`, { headers }),
      await call(t.url, 'POST', `/v1/projects/${demoAppId}/tokens`, { headers, body: { channel: 'x', uid: 1, role: 'publisher' } }),
      await call(t.url, 'POST', `/v1/projects/${demoAppId}/rtc/channels`, { headers, body: { channel: 'x' } }),
    ];
    expect(writes.map((w) => w.status)).toEqual([403, 403, 403, 403]);
  });

  it('refuses a cross-site form post, and it changes nothing', async () => {
    // A page on another origin that posts a form to the console's API while the owner is signed in.
    const evil = http.createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<form id="f" method="POST" action="${t.url}/v1/console/projects" enctype="text/plain"><input name='{"name":"evil","x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const ownerContext = await context();
      const page = await signIn(ownerContext, t.url, owner.email, owner.password);
      const answer = page.waitForResponse((response) => response.url().endsWith('/v1/console/projects') && response.request().method() === 'POST');
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      expect([401, 403]).toContain((await answer).status());
      const account = await t.server.services.projects.findAccountByCustomerId(t.server.firstRun!.customerId);
      expect((await t.server.services.projects.listProjects(account!.id)).map((p) => p.name)).not.toContain('evil');
    } finally {
      evil.close();
    }
  });

  it('makes a Customer Secret shown once, which works with curl at once', async () => {
    const page = await signIn(await context(), t.url, owner.email, owner.password);
    await page.getByRole('link', { name: 'RESTful API credentials' }).click();
    await page.getByRole('button', { name: 'Create secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your new Customer Secret' });
    await dialog.getByRole('button', { name: 'Copy Customer ID' }).click();
    const customerId = await page.evaluate(() => navigator.clipboard.readText());
    await dialog.getByRole('button', { name: 'Copy Customer Secret' }).click();
    const customerSecret = await page.evaluate(() => navigator.clipboard.readText());
    expect(customerId).toMatch(/^[0-9a-f]{32}$/);
    expect(customerSecret).toMatch(/^[0-9a-f]{32}$/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    // Listed without its secret, which the page no longer has.
    await page.getByRole('button', { name: `Copy Customer ID ${customerId.slice(0, 8)}` }).waitFor();
    expect(await page.content()).not.toContain(customerSecret);

    const { stdout } = await promisify(execFile)('curl', [
      '-s', '-o', '/dev/null', '-w', '%{http_code}', '-u', `${customerId}:${customerSecret}`,
      '-X', 'POST', `${t.url}/v1/projects/${demoAppId}/rtc/channels`, '-H', 'Content-Type: application/json', '-d', '{"channel":"made-with-curl"}',
    ]);
    expect(stdout).toBe('200');
  });

  it('shows two people who try a call on Live channels within 2 s, and a kick from the console disconnects one', { timeout: 60_000 }, async () => {
    const ownerContext = await context();
    const consolePage = await signIn(ownerContext, t.url, owner.email, owner.password);
    await consolePage.goto(`${t.url}/console/projects/${demoAppId}/live`);
    await consolePage.getByText('Nobody is in a call right now').waitFor();

    // "Try a call" opens the call page with the project's App ID; the tabs share the owner's session.
    await consolePage.goto(`${t.url}/console/projects/${demoAppId}/call`);
    const href = await consolePage.getByRole('link', { name: 'Open the call page' }).getAttribute('href');
    expect(href).toContain(`appId=${demoAppId}`);
    const tabs: Page[] = [];
    for (const name of ['Ada', 'Grace']) {
      const tab = await ownerContext.newPage();
      await tab.goto(`${t.url}${href!.replace('channel=test', 'channel=console-room')}`);
      await tab.getByRole('textbox', { name: 'Your name' }).fill(name);
      await tab.getByRole('button', { name: 'Join' }).click();
      tabs.push(tab);
    }
    await consolePage.goto(`${t.url}/console/projects/${demoAppId}/live`);
    await consolePage.getByText('Nobody is in a call right now').or(consolePage.getByRole('button', { name: /^console-room/ })).waitFor();
    for (const tab of tabs) await tab.locator('#connection-state', { hasText: 'connected' }).waitFor({ timeout: 20_000 });
    // The console lists uids: the call page makes them from the name plus a per-page suffix.
    const [adaUid, graceUid] = await Promise.all(tabs.map((tab) => tab.locator('#grid .tile.local').getAttribute('data-uid')));
    expect(adaUid).toMatch(/^Ada-\d{4}$/);
    // Both are in the call now: the page shows them within 2 s, without a reload.
    for (const uid of [adaUid!, graceUid!]) await consolePage.getByRole('cell', { name: uid, exact: true }).waitFor({ timeout: 2_000 });
    await consolePage.getByText('2 people').waitFor({ timeout: 2_000 });
    await consolePage.screenshot({ path: path.join(SCREENSHOT_DIR, 'live-channels-in-a-call.png'), fullPage: true });

    await consolePage.getByRole('button', { name: `Kick ${adaUid}` }).click();
    await tabs[0]!.getByText('The server ended the call.').or(tabs[0]!.getByText('You were removed from the channel.')).waitFor({ timeout: 5_000 });
    await consolePage.getByText('1 person').waitFor({ timeout: 2_000 });
    expect(await consolePage.getByRole('cell', { name: adaUid!, exact: true }).count()).toBe(0);
    for (const tab of tabs) await tab.close();
  });

  it('lists a recording of a call, plays its MP4 in the page and offers every file for download', { timeout: 90_000 }, async () => {
    const ownerContext = await context();
    const consolePage = await signIn(ownerContext, t.url, owner.email, owner.password);
    const tab = await ownerContext.newPage();
    await tab.goto(`${t.url}/call?appId=${demoAppId}&channel=recorded-room`);
    await tab.getByRole('textbox', { name: 'Your name' }).fill('Lin');
    await tab.getByRole('button', { name: 'Join' }).click();
    await tab.locator('#connection-state', { hasText: 'connected' }).waitFor({ timeout: 20_000 });
    await tab.waitForFunction(() => [...document.querySelectorAll('video')].some((v) => v.videoWidth > 0), null, { timeout: 20_000 });

    const auth = { auth: `Basic ${Buffer.from(`${t.server.firstRun!.customerId}:${t.server.firstRun!.customerSecret}`).toString('base64')}` };
    const recordings = `/v1/projects/${demoAppId}/channels/recorded-room/recordings`;
    const started = await call(t.url, 'POST', recordings, { ...auth, body: { mode: 'mix', avFileType: ['hls', 'mp4'] } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    // The call tab opened last; a tab in the background gets no animation frames (the dialog would not fade in).
    await consolePage.bringToFront();
    await consolePage.goto(`${t.url}/console/projects/${demoAppId}/recordings`);
    await consolePage.getByRole('button', { name: /^Stop recording/ }).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    // Stopped from the page, which then lists its files.
    await consolePage.getByRole('button', { name: /^Stop recording/ }).click();
    const play = consolePage.getByRole('button', { name: /^Play .*\.mp4/ });
    await play.waitFor({ timeout: 30_000 });
    expect(await consolePage.getByRole('link', { name: /^Download .*\.m3u8/ }).count()).toBeGreaterThan(0);
    await play.click();
    const video = consolePage.getByRole('dialog').locator('video');
    await video.waitFor();
    await consolePage.waitForFunction(() => {
      const element = document.querySelector('[role="dialog"] video') as HTMLVideoElement | null;
      return element !== null && element.videoWidth > 0 && element.duration > 3 && element.currentTime > 0;
    }, null, { timeout: 15_000 });
    await consolePage.waitForTimeout(400); // the dialog's fade-in, for the screenshot
    await consolePage.screenshot({ path: path.join(SCREENSHOT_DIR, 'recording-playing.png') });
    await tab.close();
  });

  it('sends a signed test event to a webhook, and the delivery shows in the log', async () => {
    const page = await signIn(await context(), t.url, owner.email, owner.password);
    await page.goto(`${t.url}/console/projects/${demoAppId}/webhooks`);
    await page.getByText('No endpoints').waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Signing secret' });
    await secretDialog.getByRole('button', { name: 'Copy signing secret' }).click();
    receiver.secret = await page.evaluate(() => navigator.clipboard.readText());
    await secretDialog.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Send test event' }).click();
    const delivery = page.getByRole('button', { name: /^delivered\s*webhook\.test/ });
    await delivery.waitFor({ timeout: 10_000 });
    await delivery.click();
    await page.getByText(/1 attempt · last answer HTTP 200/).waitFor();
    await page.getByText('Response body (HTTP 200)').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'webhook-test-delivery.png'), fullPage: true });
    const notice = receiver.received.find((n) => n.body.productId === 0 && n.body.eventType === 0);
    expect(notice?.signed).toBe(true);
  });

  it('throttles a sixth wrong password and says so', async () => {
    const page = await (await context()).newPage();
    await page.goto(`${t.url}/console/`);
    await page.getByLabel('Email').fill('viewer@example.com');
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByLabel('Password').fill(`wrong ${attempt}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('The email or password is wrong').waitFor();
    }
    await page.getByLabel('Password').fill(VIEWER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /too many/i }).waitFor();
    expect(await page.getByRole('heading', { name: 'Projects' }).count()).toBe(0);
  });

  it('has no serious or critical axe violations on any page, light and dark at 1280 px and dark at 390 px', async () => {
    const pages = ['projects', `projects/${demoAppId}/credentials`, `projects/${demoAppId}/live`, `projects/${demoAppId}/sessions`, `projects/${demoAppId}/usage`, `projects/${demoAppId}/recordings`, `projects/${demoAppId}/webhooks`, `projects/${demoAppId}/call`, 'account/credentials', 'account/team', 'account/password', 'server/cluster'];
    const findings: Record<string, unknown> = {};
    // Both schemes at desktop width, where the most is on screen, and the phone width once: three
    // passes over every page rather than four, each costing axe seconds per page. The passes run
    // side by side (a context each): axe waits on the page as much as it computes.
    await Promise.all(([['light', 1280], ['dark', 1280], ['dark', 390]] as const).map(async ([colorScheme, width]) => {
      const c = await context({ width, colorScheme, bypassCSP: true });
      const signInPage = await c.newPage();
      await signInPage.goto(`${t.url}/console/`);
      await signInPage.getByLabel('Email').waitFor();
      const signInFindings = await seriousViolations(signInPage);
      if (signInFindings.length) findings[`sign-in ${colorScheme} ${width}`] = signInFindings;
      await signInPage.screenshot({ path: path.join(SCREENSHOT_DIR, `sign-in-${colorScheme}-${width}.png`), fullPage: true });
      const page: Page = await signIn(c, t.url, owner.email, owner.password);
      for (const route of pages) {
        await page.goto(`${t.url}/console/${route}`);
        // Generous waits: a lazily loaded page on a machine busy with media tests can take a while.
        await page.getByRole('heading', { level: 2 }).first().waitFor({ timeout: 60_000 });
        await page.waitForFunction(() => !document.querySelector('[role="status"][aria-label^="Loading"]'), null, { timeout: 30_000 });
        const found = await seriousViolations(page);
        if (found.length) findings[`${route} ${colorScheme} ${width}`] = found;
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${route.replace(`projects/${demoAppId}/`, 'project-').replaceAll('/', '-')}-${colorScheme}-${width}.png`), fullPage: true });
      }
      await c.close();
    }));
    expect(findings, JSON.stringify(findings, null, 1)).toEqual({});
  }, 240_000);
});
