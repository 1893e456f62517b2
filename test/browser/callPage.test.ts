/**
 * The demo call page's richer call, as two people use it: names in any script chosen before
 * joining and shown to the other on the tile and in the people list, chat that arrives as text
 * (never markup), an invite link that names the channel but carries no token, and the screen
 * shared in place of the camera and the camera switched in the call.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';
import { until } from './support/callTabs.ts';

describe('the demo call page with names, chat and invites', () => {
  let t: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_DEV: 'true' }, { bootstrap: true });
    // Two fake cameras, to switch between in the call.
    browser = await launchChromium({ fakeDevices: 2 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function joinAs(name: string, channel: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${t.url}/call?channel=${encodeURIComponent(channel)}`);
    // The pre-join screen previews the camera before anyone joins.
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('#preview video')?.videoWidth ?? 0) > 0, null, { timeout: 20_000 });
    await page.getByRole('textbox', { name: 'Your name' }).fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('#connection-state', { hasText: 'connected' }).waitFor({ timeout: 20_000 });
    return page;
  }

  const remoteTileName = (page: Page, name: string) => page.locator('#grid .tile:not(.local) .name', { hasText: name });
  const listed = (page: Page, name: string) => page.locator('#people .person-name', { hasText: name });

  it('shows each person\'s chosen name to the other, carries chat as text and invites without a token', async () => {
    const zoe = await joinAs('Zoë 山田', 'names-room');
    const ben = await joinAs('Ben', 'names-room');

    // Names arrive over stream messages, in any script, on the tile and in the people list.
    await remoteTileName(ben, 'Zoë 山田').waitFor({ timeout: 20_000 });
    await listed(ben, 'Zoë 山田').waitFor();
    await remoteTileName(zoe, 'Ben').waitFor({ timeout: 20_000 });
    await listed(zoe, 'Ben').waitFor();
    expect(await zoe.locator('#people .person-name').allTextContents()).toEqual(['Zoë 山田 (you)', 'Ben']);
    // The uid the token names is a separate ASCII string.
    const zoeUid = await zoe.locator('#grid .tile.local').getAttribute('data-uid');
    expect(zoeUid).toMatch(/^Zoe-\d{4}$/);
    expect(await ben.locator('#grid .tile:not(.local)').getAttribute('data-uid')).toBe(zoeUid);

    // Chat is text: markup arrives as the characters typed, never as elements.
    await zoe.getByRole('textbox', { name: 'Message' }).fill('<b>x</b>');
    await zoe.getByRole('button', { name: 'Send message' }).click();
    const line = ben.locator('#chat-log .chat-line');
    await line.waitFor({ timeout: 10_000 });
    expect(await line.locator('.author').textContent()).toBe('Zoë 山田');
    expect(await line.locator('.text').textContent()).toBe('<b>x</b>');
    expect(await ben.locator('#chat-log b').count()).toBe(0);
    // A message over Agora's 1 KB limit is refused before sending.
    await ben.getByRole('textbox', { name: 'Message' }).fill('山'.repeat(400));
    expect(await ben.locator('#chat-error').textContent()).toContain('too long');

    // The invite link: this page with the channel, no token.
    await zoe.getByRole('button', { name: 'Copy invite link' }).click();
    const invite = new URL(await zoe.inputValue('#invite-link'));
    expect(invite.pathname).toBe('/call');
    expect(invite.searchParams.get('channel')).toBe('names-room');
    expect(invite.search).not.toMatch(/token/i);
    expect(await zoe.textContent('[role="status"]')).toMatch(/Invite link copied|Copy the invite link/);

    for (const page of [zoe, ben]) await page.close();
  });

  /** The width of the video `page` shows on its tile for the other person. */
  const remoteVideoWidth = (page: Page) => page.evaluate(() => document.querySelector<HTMLVideoElement>('#grid .tile:not(.local) video')?.videoWidth ?? 0);
  /** The camera or screen behind `page`'s own tile. */
  const localSource = (page: Page) => page.evaluate(() => ((document.querySelector<HTMLVideoElement>('#grid .tile.local video')?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.label ?? ''));

  it('shares the screen in place of the camera, brings the camera back when the browser stops the share, and switches cameras', { timeout: 60_000 }, async () => {
    const ada = await joinAs('Ada', 'share-room');
    const ben = await joinAs('Ben', 'share-room');
    await until(() => remoteVideoWidth(ben), (width) => width === 640);

    await ada.getByRole('button', { name: 'Share your screen' }).click();
    await ada.getByRole('button', { name: 'Stop sharing your screen' }).waitFor();
    expect(await ada.isDisabled('#camera-button')).toBe(true);
    // The fake picker shares the screen's sound too: it goes out mixed with the microphone.
    expect(await ada.textContent('[role="status"]')).not.toContain('Could not');
    // The fake screen is bigger than the fake camera's 640 × 480.
    expect(await until(() => remoteVideoWidth(ben), (width) => width > 640)).toBeGreaterThan(640);

    // The browser's own "Stop sharing" ends the track: the camera comes back for the others.
    await ada.evaluate(() => (document.querySelector<HTMLVideoElement>('#grid .tile.local video')!.srcObject as MediaStream).getVideoTracks()[0]!.dispatchEvent(new Event('ended')));
    await ada.getByRole('button', { name: 'Share your screen' }).waitFor();
    expect(await until(() => remoteVideoWidth(ben), (width) => width === 640)).toBe(640);
    expect(await ada.getAttribute('#camera-button', 'aria-pressed')).toBe('false');

    // Devices stay at hand in the call.
    await ada.getByRole('button', { name: 'Devices' }).click();
    const cameras = ada.getByRole('combobox', { name: 'Camera' });
    const before = await localSource(ada);
    const other = await cameras.locator('option').evaluateAll((options, current) => (options as HTMLOptionElement[]).find((option) => option.textContent !== current)?.value, before);
    await cameras.selectOption(other!);
    expect(await until(() => localSource(ada), (label) => label !== before && label !== '')).not.toBe(before);
    for (const page of [ada, ben]) await page.close();
  });
});
