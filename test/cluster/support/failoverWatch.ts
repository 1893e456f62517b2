/**
 * Watching a Chromium tab (test/browser/support/callTabs.ts) through a failover: its connection
 * states, the user events it fires, and the frames its played remote <video> presents, each with
 * the track it came from, so "video again" means a frame of the new node's track on the same
 * element the app played. Shared by the failover test and `npm run bench:cluster`.
 */
import type { Page } from 'playwright-core';

declare global {
  interface Window {
    /** Every connection state, with when it came (Date.now()). */
    states: Array<{ state: string; at: number }>;
    /** The uids of user-joined and user-published events. */
    userEvents: string[];
    /** When the played remote video element presented each frame (Date.now()), and which MediaStreamTrack it came from (1, 2… in order of first sight). */
    presented: Array<{ at: number; track: number }>;
  }
}

/** Records connection states and the frames the app's remote video element presents. */
export async function watch(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.states = [];
    window.presented = [];
    window.userEvents = [];
    window.client.on('connection-state-change', (state: string) => window.states.push({ state, at: Date.now() }));
    window.client.on('user-joined', (user: { uid: string }) => window.userEvents.push(`joined:${user.uid}`));
    window.client.on('user-published', (user: { uid: string }, kind: string) => window.userEvents.push(`published:${user.uid}:${kind}`));
  });
  await page.waitForFunction(() => document.querySelector('#remote video') !== null);
  await page.evaluate(() => {
    const video = document.querySelector('#remote video') as HTMLVideoElement;
    // Track objects, not ids: the SFU may give the new node's track the id the old one had.
    const serials = new WeakMap<MediaStreamTrack, number>();
    let seen = 0;
    const serialOf = (track: MediaStreamTrack | undefined) => {
      if (!track) return 0;
      if (!serials.has(track)) serials.set(track, ++seen);
      return serials.get(track)!;
    };
    const onFrame = () => {
      window.presented.push({ at: Date.now(), track: serialOf((video.srcObject as MediaStream | null)?.getVideoTracks()[0]) });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

/**
 * When the tab was CONNECTED again after the kill, and when its video element first presented a
 * frame of media from the new node: after `since` (the kill), once CONNECTED, a frame of a track
 * other than the one it showed before the kill.
 */
export function recovery(page: Page, oldTrack: number, since = 0) {
  return page.evaluate(({ oldTrack, since }) => {
    const connected = window.states.find((entry) => entry.state === 'CONNECTED' && entry.at >= since);
    const firstFrame = connected && window.presented.find((frame) => frame.at >= connected.at && frame.track !== oldTrack && frame.track !== 0);
    return { states: window.states.filter((entry) => entry.at >= since).map((entry) => entry.state), connectedAt: connected?.at, firstFrameAt: firstFrame?.at, log: window.log, userEvents: window.userEvents };
  }, { oldTrack, since });
}

/** The track the app's remote video element shows now. */
export function shownTrack(page: Page): Promise<number> {
  return page.evaluate(() => window.presented.at(-1)?.track ?? 0);
}
