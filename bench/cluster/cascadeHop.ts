/**
 * What one cascading relay hop adds to glass-to-glass latency, in Chromium: a 3-node cluster with a
 * cap of 2 participants of a channel per node; a publisher and a first subscriber share the
 * channel's node, a second subscriber is placed on another node and gets the video over a relay.
 * Both subscribers are clients of one page, side by side: two tabs are two renderers that Chromium
 * schedules apart (in an earlier version one tab's <video> stopped presenting frames after about
 * 90 while the other's went on, which compared unlike samples).
 *
 * The publisher publishes a canvas (captureStream) on which it draws, every frame, the current
 * time as 40 bits plus an 8-bit CRC in large black/white blocks, which survive VP8. Every frame a
 * subscriber's played <video> presents (requestVideoFrameCallback) is drawn into a canvas and
 * decoded; its latency is now − the drawn time (the tabs of one Chromium share the clock). Frames
 * whose CRC fails are counted and dropped. The publisher decodes its own canvas as it draws it
 * (must be exact) and plays its own captured stream through the same decoder ("local": capture and
 * presentation without encoding, network or SFU), so the numbers have a floor to compare with.
 */
import type { Page } from 'playwright-core';
import { until } from '../../test/browser/support/callTabs.ts';
import { startBrowserCluster } from '../../test/cluster/support/browserCluster.ts';
import { participantsCarried } from '../../test/support/cluster.ts';

export type HopPath = 'local' | 'same node' | 'cascaded';

export interface HopResult {
  /** Per path: latencies (ms, 0.1 ms steps) of the frames counted, after the warm-up. */
  samples: Record<HopPath, number[]>;
  /** Per path: the longest wait between two presented frames (ms), warm-up included. */
  longestGapMs: Record<HopPath, number>;
  /** Per subscriber: the SDK's statistics of the received video at the end. */
  receivers: Record<Exclude<HopPath, 'local'>, ReceiverStats | null>;
  /** Per path: how many <video> elements the app showed the track in (more than 1: its player replaced the element). */
  videosSeen: Record<HopPath, number>;
  /** Per path: how often the video played on (currentTime moving) without frame callbacks for 1 s, and they were asked for again. */
  rearms: Record<HopPath, number>;
  /** Per path: the <video>'s state at the end, and its page's visibility. */
  playback: Record<HopPath, { paused: boolean; readyState: number; currentTime: number; visibility: string; hasFocus: boolean } | null>;
  /** Per path: frames whose drawing or decoding threw, and the first distinct messages. */
  watchErrors: Record<HopPath, { count: number; first: string[] }>;
  /** Per subscriber: what its tab heard (connection states, published events…), in order. */
  events: Record<Exclude<HopPath, 'local'>, string[]>;
  /** Per path: presented frames whose blocks did not decode (CRC failed), warm-up included. */
  failedDecodes: Record<HopPath, number>;
  /** Per path: presented frames that decoded, warm-up included. */
  decoded: Record<HopPath, number>;
  /** The publisher decoding its own canvas right after drawing it: frames checked, and how many came back exactly. */
  selfCheck: { checked: number; exact: number };
  /** Participants per node once the three tabs were in (the channel's node first). */
  carried: number[];
  /** Spread of the tabs' clocks against Date.now() (Date.now() has 1 ms steps, so ~1 ms is agreement). */
  clockSpreadMs: number;
  warmupMs: number;
}

/** The SDK's getRemoteVideoStats() fields that tell a stalled path from a slow one. */
export type ReceiverStats = Record<'framesDecoded' | 'framesDropped' | 'freezeCount' | 'totalFreezeTime' | 'end2EndDelay' | 'receiveFrameRate', number>;
const pick = (stats: ReceiverStats | undefined): ReceiverStats | null =>
  stats ? { framesDecoded: stats.framesDecoded, framesDropped: stats.framesDropped, freezeCount: stats.freezeCount, totalFreezeTime: stats.totalFreezeTime, end2EndDelay: stats.end2EndDelay, receiveFrameRate: stats.receiveFrameRate } : null;

const CHANNEL = 'bench-hop';
const WARMUP_MS = 3000;

/** Installs `window.hopCodec` in a page: drawing a time into a 640×480 canvas context, and reading it back. */
function installHopCodec(): void {
  const COLS = 8;
  const ROWS = 6;
  const BLOCK_W = 640 / COLS;
  const BLOCK_H = 480 / ROWS;
  const TIME_BITS = 40;
  const MODULUS = 2 ** TIME_BITS;
  const crc8 = (bytes: number[]) => {
    let crc = 0;
    for (const byte of bytes) {
      crc ^= byte;
      for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
    return crc;
  };
  /** Bits of `value` (< 2^40), most significant first, then the CRC of its 5 bytes. */
  const bitsOf = (value: number) => {
    const bytes: number[] = [];
    for (let i = 4; i >= 0; i--) bytes.push(Math.floor(value / 2 ** (8 * i)) % 256);
    const bits: number[] = [];
    for (const byte of [...bytes, crc8(bytes)]) for (let i = 7; i >= 0; i--) bits.push((byte >> i) & 1);
    return bits;
  };
  const clock = () => performance.timeOrigin + performance.now();
  (window as any).hopCodec = {
    clock,
    draw(ctx: CanvasRenderingContext2D): number {
      const now = clock();
      const bits = bitsOf(Math.round(now) % MODULUS);
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 640, 480);
      ctx.fillStyle = '#000';
      bits.forEach((bit, i) => {
        if (bit) ctx.fillRect((i % COLS) * BLOCK_W, Math.floor(i / COLS) * BLOCK_H, BLOCK_W, BLOCK_H);
      });
      return Math.round(now) % MODULUS;
    },
    /** The time drawn in a 640×480 image, or null when the check bits disagree. */
    read(image: ImageData): number | null {
      const bits: number[] = [];
      for (let i = 0; i < COLS * ROWS; i++) {
        // The middle half of the block: edges are where VP8 smears one block into the next.
        const x0 = (i % COLS) * BLOCK_W + BLOCK_W / 4;
        const y0 = Math.floor(i / COLS) * BLOCK_H + BLOCK_H / 4;
        let sum = 0;
        let count = 0;
        for (let y = y0; y < y0 + BLOCK_H / 2; y += 4) {
          for (let x = x0; x < x0 + BLOCK_W / 2; x += 4) {
            const at = (y * 640 + x) * 4;
            sum += image.data[at]! + image.data[at + 1]! + image.data[at + 2]!;
            count++;
          }
        }
        bits.push(sum / count / 3 < 128 ? 1 : 0);
      }
      const bytes: number[] = [];
      for (let b = 0; b < 6; b++) bytes.push(bits.slice(b * 8, b * 8 + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
      if (crc8(bytes.slice(0, 5)) !== bytes[5]) return null;
      return bytes.slice(0, 5).reduce((value, byte) => value * 256 + byte, 0);
    },
    /** ms from `drawn` (mod 2^40) to `now`. */
    since(drawn: number, now: number): number {
      return (((now - drawn) % MODULUS) + MODULUS) % MODULUS;
    },
  };
}

/** What watchPresented records of one <video>, in `window.hopWatch[path]`. */
interface PresentedWatch {
  frames: Array<{ at: number; latency: number | null }>;
  videos: number;
  errors: string[];
  rearms: number;
}

/**
 * Decodes every frame the <video> matching `selector` presents, into `window.hopWatch[path]`
 * (latency, or null: CRC failed). Follows the element if the app's player replaces it (`videos`
 * counts the elements seen), so what is measured is always the video on screen.
 */
function watchPresented({ selector, path }: { selector: string; path: string }): void {
  const codec = (window as any).hopCodec;
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 480;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const watch: PresentedWatch = { frames: [], videos: 0, errors: [], rearms: 0 };
  (window as any).hopWatch ??= {};
  (window as any).hopWatch[path] = watch;
  const { frames, errors } = watch;
  let video: HTMLVideoElement | null = null;
  /** Bumped on every (re)arming, so that only the newest chain of callbacks records frames. */
  let generation = 0;
  let lastFrameAt = Date.now();
  let lastCurrentTime = -1;
  const onFrame = (element: HTMLVideoElement, mine: number) => () => {
    if (mine !== generation) return;
    // Read the clock first: drawing and reading back the frame take milliseconds on a busy machine.
    const now = codec.clock();
    lastFrameAt = Date.now();
    // Asked for first: one frame that fails to decode must not end the watch.
    element.requestVideoFrameCallback(onFrame(element, mine));
    try {
      // Scaled to 640×480 whatever the sender's adaptation made of it: the blocks keep their places.
      ctx.drawImage(element, 0, 0, 640, 480);
      const drawn = codec.read(ctx.getImageData(0, 0, 640, 480));
      frames.push({ at: Date.now(), latency: drawn === null ? null : Math.round(codec.since(drawn, now) * 10) / 10 });
    } catch (error) {
      errors.push(String(error));
    }
  };
  const arm = (element: HTMLVideoElement) => {
    generation++;
    lastFrameAt = Date.now();
    element.requestVideoFrameCallback(onFrame(element, generation));
  };
  const follow = () => {
    const current = document.querySelector(selector) as HTMLVideoElement | null;
    if (current && current !== video) {
      video = current;
      watch.videos++;
      arm(current);
    } else if (current && Date.now() - lastFrameAt > 1000 && current.currentTime !== lastCurrentTime) {
      // Seen under load: the video plays on but its frame callbacks stop coming. Asked again, and counted.
      watch.rearms++;
      arm(current);
    }
    if (current) lastCurrentTime = current.currentTime;
  };
  follow();
  setInterval(follow, 100);
}

export async function cascadeHop(samplesWanted: number): Promise<HopResult> {
  const setup = await startBrowserCluster(3, { PARLEY_CHANNEL_NODE_CAP: '2' });
  const { cluster, tabsVia } = setup;
  const pages: Page[] = [];
  try {
    // Publisher and first subscriber, one after the other: they open the channel and fill its node's cap.
    const publisher = await tabsVia[0]!.joinTab(CHANNEL, 'pub', { publish: false });
    pages.push(publisher);
    await publisher.evaluate(installHopCodec);
    await publisher.evaluate(async () => {
      const codec = (window as any).hopCodec;
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      document.body.append(canvas);
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const check = { checked: 0, exact: 0 };
      (window as any).hopSelfCheck = check;
      let frame = 0;
      const draw = () => {
        const drawn = codec.draw(ctx);
        if (frame++ % 10 === 0) {
          check.checked++;
          if (codec.read(ctx.getImageData(0, 0, 640, 480)) === drawn) check.exact++;
        }
        requestAnimationFrame(draw);
      };
      requestAnimationFrame(draw);
      const stream = canvas.captureStream(30);
      const track = window.ParleyRTC.createCustomVideoTrack({ mediaStreamTrack: stream.getVideoTracks()[0] });
      await window.client.publish([track]);
      const local = document.createElement('video');
      local.id = 'local';
      local.muted = true;
      local.srcObject = stream;
      document.body.append(local);
      await local.play();
    });
    await publisher.evaluate(watchPresented, { selector: '#local', path: 'local' });

    const subscribers = await tabsVia[0]!.joinTab(CHANNEL, 'same', { publish: false });
    pages.push(subscribers);
    // The cluster picks the channel's node (the join through node 0 may be redirected): wherever both are.
    const first = await until(() => Promise.all(cluster.nodes.map((node) => participantsCarried(node))), (counts) => counts.includes(2));
    const home = first.indexOf(2);
    if (home < 0) throw new Error(`publisher and first subscriber are not on one node (participants per node: ${first.join(',')})`);
    // Through another node: the channel's node is full, so the channel grows onto a second node.
    await subscribers.evaluate(
      async ({ appId, channel, token, server }) => {
        const far = document.createElement('div');
        far.id = 'remote-far';
        document.body.append(far);
        (window as any).farLog = [];
        const client = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8', server });
        (window as any).farClient = client;
        client.on('user-published', async (user: any, kind: 'audio' | 'video') => {
          (window as any).farLog.push(`published:${user.uid}:${kind}`);
          await client.subscribe(user, kind);
          if (kind === 'video') user.videoTrack.play('remote-far');
        });
        client.on('user-unpublished', (user: { uid: string }, kind: string) => (window as any).farLog.push(`unpublished:${user.uid}:${kind}`));
        client.on('connection-state-change', (state: string) => (window as any).farLog.push(`state:${state}`));
        await client.join(appId, channel, token, 'far');
      },
      { appId: cluster.project.appId, channel: CHANNEL, token: setup.token(CHANNEL, 'far'), server: cluster.nodes[(home + 1) % 3]!.url },
    );
    const counts = await until(() => Promise.all(cluster.nodes.map((node) => participantsCarried(node))), (now) => now.reduce((a, b) => a + b, 0) === 3);
    const carried = [counts[home]!, ...counts.filter((_, i) => i !== home)];
    if (carried[0] !== 2 || carried.filter((count) => count === 1).length !== 1) throw new Error(`the second subscriber is not alone on another node (participants per node, the channel's first: ${carried.join(',')})`);

    await subscribers.waitForFunction(() => document.querySelector('#remote video') !== null && document.querySelector('#remote-far video') !== null, undefined, { timeout: 30_000 });
    await subscribers.evaluate(installHopCodec);
    await subscribers.evaluate(() => {
      window.client.on('user-published', (user: { uid: string }, kind: string) => window.log.push(`published:${user.uid}:${kind}`));
      window.client.on('user-unpublished', (user: { uid: string }, kind: string) => window.log.push(`unpublished:${user.uid}:${kind}`));
    });
    await subscribers.evaluate(watchPresented, { selector: '#remote video', path: 'same node' });
    await subscribers.evaluate(watchPresented, { selector: '#remote-far video', path: 'cascaded' });

    /** Each path: the page its video plays in, the <video>'s selector, and the SDK client that receives it. */
    const byPath: Array<[HopPath, Page, string, string]> = [
      ['local', publisher, '#local', ''],
      ['same node', subscribers, '#remote video', 'client'],
      ['cascaded', subscribers, '#remote-far video', 'farClient'],
    ];
    const watched = () => Promise.all(byPath.map(([pathName, page]) => page.evaluate((key) => (window as any).hopWatch[key] as PresentedWatch, pathName)));
    const read = async () => (await watched()).map((watch) => watch.frames);
    /** Latencies after each path's warm-up (from its first decoded frame). */
    const counted = (frames: Array<{ at: number; latency: number | null }>) => {
      const start = frames.find((frame) => frame.latency !== null)?.at;
      if (start === undefined) return [];
      return frames.flatMap((frame) => (frame.at >= start + WARMUP_MS && frame.latency !== null ? [frame.latency] : []));
    };
    const timeoutMs = WARMUP_MS + samplesWanted * 200 + 30_000;
    const frames = await until(read, (all) => all.every((pathFrames) => counted(pathFrames).length >= samplesWanted), timeoutMs);
    // Each tab is its own process: how far their clocks (timeOrigin + now) stray from Date.now(), for the record.
    const offsets = await Promise.all(pages.map((page) => page.evaluate(() => performance.timeOrigin + performance.now() - Date.now())));
    // A path that stalls shows here: did frames stop arriving (framesDecoded) or only stop being presented?
    const receivers = await Promise.all(byPath.slice(1).map(([, page, , client]) => page.evaluate(async (key) => (await (window as any)[key].getRemoteVideoStats()).pub as ReceiverStats, client)));
    const watches = await watched();
    const events = await Promise.all([subscribers.evaluate(() => window.log), subscribers.evaluate(() => (window as any).farLog as string[])]);
    // Frames decoded but not presented: is the element paused, starved, or the page not rendering?
    const playback = await Promise.all(byPath.map(([, page, selector]) => page.evaluate((selector) => {
      const video = document.querySelector(selector) as HTMLVideoElement | null;
      return video && { paused: video.paused, readyState: video.readyState, currentTime: Math.round(video.currentTime * 10) / 10, visibility: document.visibilityState, hasFocus: document.hasFocus() };
    }, selector)));
    const record = <T>(value: (pathFrames: Array<{ at: number; latency: number | null }>, index: number) => T) =>
      Object.fromEntries(byPath.map(([name], i) => [name, value(frames[i]!, i)])) as Record<HopPath, T>;
    const longestGapMs = record((pathFrames) => pathFrames.reduce((gap, frame, i) => (i === 0 ? 0 : Math.max(gap, frame.at - pathFrames[i - 1]!.at)), 0));
    if (Object.values(longestGapMs).some((gap) => gap > 2000)) {
      // A stall: what the nodes said about it goes to the bench's output, for whoever reads the results.
      for (const node of cluster.nodes) process.stdout.write(`${node.id}: ${node.logLines.filter((line) => /"level":(40|50)|relay/.test(line)).slice(-20).join('\n')}\n`);
    }
    const selfCheck = await publisher.evaluate(() => (window as any).hopSelfCheck as { checked: number; exact: number });
    return {
      samples: record((pathFrames) => counted(pathFrames).slice(0, samplesWanted)),
      longestGapMs,
      receivers: { 'same node': pick(receivers[0]), cascaded: pick(receivers[1]) },
      videosSeen: record((_, i) => watches[i]!.videos),
      rearms: record((_, i) => watches[i]!.rearms),
      playback: record((_, i) => playback[i]!),
      watchErrors: record((_, i) => ({ count: watches[i]!.errors.length, first: [...new Set(watches[i]!.errors)].slice(0, 3) })),
      events: { 'same node': events[0]!, cascaded: events[1]! },
      failedDecodes: record((pathFrames) => pathFrames.filter((frame) => frame.latency === null).length),
      decoded: record((pathFrames) => pathFrames.filter((frame) => frame.latency !== null).length),
      selfCheck,
      carried,
      clockSpreadMs: Math.round((Math.max(...offsets) - Math.min(...offsets)) * 10) / 10,
      warmupMs: WARMUP_MS,
    };
  } finally {
    for (const page of pages) {
      await page.evaluate(() => Promise.all([window.client.leave(), (window as any).farClient?.leave()])).catch(() => {});
      await page.close().catch(() => {});
    }
    await setup.close();
  }
}
