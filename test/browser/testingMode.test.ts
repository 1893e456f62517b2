/**
 * Testing mode in real Chromium through the web SDK: `client.join(appId, channel, null)` is
 * refused (CAN_NOT_GET_GATEWAY_SERVER, reason invalid_token) while the project requires tokens;
 * once its owner turns testing mode on in the console API, two tabs join with null and see and
 * hear each other; turning it off disconnects them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { addConsoleUser, signIn, type SignedInUser } from '../support/consoleUsers.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';
import { callTabs, until, type CallTabs } from './support/callTabs.ts';

describe('testing mode in Chromium through the web SDK', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let project: CreatedProject;
  let owner: SignedInUser;
  let tabs: CallTabs;

  const setTestingMode = (testingMode: boolean) => call(t.url, 'PATCH', `/v1/console/projects/${project.appId}`, { headers: owner.headers(true), body: { testingMode } });

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    await addConsoleUser(t, project, 'owner@example.com', 'owner');
    owner = await signIn(t, 'owner@example.com');
    browser = await launchChromium();
    tabs = callTabs(browser, t.url, project.appId, () => {
      throw new Error('these tabs join without a token');
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('refuses join with a null token while the project requires tokens', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${t.url}/healthz`);
    await page.addScriptTag({ url: `${t.url}/sdk/parley-rtc.js` });
    const refused = await page.evaluate(async ({ url, appId }) => {
      window.ParleyRTC.setServer(url);
      const client = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      return client.join(appId, 'no-token', null).then(
        () => undefined,
        (error: any) => ({ code: error.code, reason: error.reason, message: String(error.message) }),
      );
    }, { url: t.url, appId: project.appId });
    expect(refused).toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER', reason: 'invalid_token', message: expect.stringContaining('requires a token') });
    await page.close();
  });

  it('lets two tabs joined with null see and hear each other in testing mode, and ends them when it is switched off', async () => {
    expect((await setTestingMode(true)).status).toBe(200);
    const alice = await tabs.joinTab('open-call', 'alice', { token: null });
    const bob = await tabs.joinTab('open-call', 'bob', { token: null });
    const fromBob = await until(() => tabs.decodedFrom(alice, 'bob'), (s) => s.frames >= 30 && s.audioBytes > 0);
    const fromAlice = await until(() => tabs.decodedFrom(bob, 'alice'), (s) => s.frames >= 30 && s.audioBytes > 0);
    expect(fromBob.frames).toBeGreaterThanOrEqual(30);
    expect(fromBob.audioBytes).toBeGreaterThan(0);
    expect(fromAlice.frames).toBeGreaterThanOrEqual(30);
    expect(fromAlice.audioBytes).toBeGreaterThan(0);

    expect((await setTestingMode(false)).status).toBe(200);
    for (const page of [alice, bob]) {
      const log = await until(() => page.evaluate(() => window.log), (lines) => lines.some((line) => line.startsWith('state:DISCONNECTED')), 5_000);
      expect(log.filter((line) => line.startsWith('state:DISCONNECTED'))).toEqual(['state:DISCONNECTED:UID_BANNED']);
    }
  }, 60_000);
});
