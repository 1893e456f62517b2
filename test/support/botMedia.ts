/**
 * The WebRTC side of the native bots of tests and benchmarks (Parley's BotClient and the
 * benchmark's Janus client): peer connections from @roamhq/wrtc (or werift, for subscribers that
 * decode nothing), synthetic video and audio sources, complete-SDP gathering, and getStats summaries (the packet loss, frame and bitrate
 * figures the benchmark reports).
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import * as werift from 'werift';
import { completeLocalSdp } from '../../packages/sdk-web/src/rtc/iceGathering.ts';

const require = createRequire(import.meta.url);
export const wrtc: any = require('@roamhq/wrtc');

// The library is untyped.
export type Pc = any;

/**
 * The WebRTC stack of a bot's peer connection: libwebrtc (`wrtc`), which encodes what it sends and
 * decodes what it receives as a browser does, or werift, which sends ready-made Opus packets
 * (addPacketAudio) and receives, decrypts and reports RTP but decodes nothing. A werift peer costs
 * its process a fraction of a libwebrtc one once connected, so one core of bots can subscribe enough
 * of them to load an SFU past what decoders allow (bench/rtc, `--subscribers werift`); joining, it
 * costs its bot about twice what the join costs the server (bench/rtc/joins.ts, `--listeners werift`).
 */
export type PeerEngine = 'wrtc' | 'werift';

/** Same options as the test bot: no STUN servers (offline), one bundled transport. */
export function createPc(engine: PeerEngine = 'wrtc'): Pc {
  if (engine === 'werift') return new werift.RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
  return new wrtc.RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
}

export interface VideoOptions {
  width: number;
  height: number;
  fps: number;
  /**
   * Pins the publisher's send bitrate (kbps) by setting x-google-min/start/max-bitrate on the
   * SFU's answer, so both SFUs forward the same stream whatever their congestion feedback.
   */
  kbps: number;
}

/**
 * What a synthetic video shows:
 * - `bar`: a moving bar on a flat background. Cheap for tests: ~35 kbps, one packet a frame, far
 *   from a camera.
 * - `noise`: the bar over low-amplitude noise (luma 120-127) that changes every frame. VP8 encodes
 *   it at whatever bitrate it is given (~90 packets/s at 0.7 Mbps) at a low quantizer, so the
 *   encoder neither drops frames nor scales the resolution down: what forwarding benchmarks want.
 *   The noise comes from one pool read at a large stride each frame (a memcpy, no per-pixel
 *   JavaScript).
 * - `camera`: a scene like a webcam's, for benchmarks whose cost depends on what is in the picture
 *   (recording transcodes it): see cameraClip.
 */
export type Picture = 'bar' | 'noise' | 'camera';

const CAMERA_CLIP_SECONDS = 10;
const cameraClips = new Map<string, Buffer>();
let cameraClipsStarted = 0;

/**
 * A 10 s loop of raw I420 frames that costs encoders what a webcam does, rendered once per size
 * by ffmpeg (which the recording tests need anyway): a still, textured background (a blurred
 * fixed noise, a few flat shapes), a detailed subject (a slowly zooming Mandelbrot crop) swaying
 * like a head, and the sensor's grain, a light noise that changes every frame. The second half is
 * the first played backwards, so the loop has no cut. Measured at 640×480: x264 CRF 23 needs
 * ~415 kbps (veryfast) and ~970 kbps (ultrafast) for it; the `bar` picture needs a few kbps.
 */
export function cameraClip(width: number, height: number, fps: number): Buffer {
  const key = `${width}x${height}@${fps}`;
  const cached = cameraClips.get(key);
  if (cached) return cached;
  const half = CAMERA_CLIP_SECONDS / 2;
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  const [subjectWidth, subjectHeight] = [even(width * 0.34), even(height * 0.58)];
  const graph = [
    `color=c=0x6a7f8f:s=${width}x${height}:r=${fps}:d=${half},noise=alls=60:allf=u,gblur=sigma=2`,
    `drawbox=x=iw*0.05:y=ih*0.08:w=iw*0.27:h=ih*0.62:color=0xc8b89a@0.8:t=fill`,
    `drawbox=x=iw*0.73:y=ih*0.1:w=iw*0.22:h=ih*0.4:color=0x2f4a3a@0.9:t=fill[background];`,
    `mandelbrot=s=${subjectWidth}x${subjectHeight}:r=${fps}:start_scale=0.6:end_scale=0.3:end_pts=${half * fps},gblur=sigma=1[subject];`,
    `[background][subject]overlay=x='(W-w)/2+W*0.09*sin(2*PI*t/${half})':y='(H-h)/2+H*0.02*sin(4*PI*t/${half})':shortest=1,split[forward][copy];`,
    `[copy]reverse[backward];[forward][backward]concat=n=2:v=1,noise=alls=4:allf=t,format=yuv420p[out]`,
  ].join(',').replaceAll(';,', ';');
  const result = spawnSync('ffmpeg', ['-v', 'error', '-filter_complex', graph, '-map', '[out]', '-f', 'rawvideo', '-'], { maxBuffer: width * height * 1.5 * fps * CAMERA_CLIP_SECONDS + 1 });
  if (result.status !== 0) throw new Error(`ffmpeg could not render the camera clip: ${result.error?.message ?? result.stderr.toString()}`);
  cameraClips.set(key, result.stdout);
  return result.stdout;
}

/**
 * Adds a sendonly video transceiver fed with synthetic I420 frames showing `picture` (default:
 * the cheap `bar`). Camera publishers each start at a different point of the loop. Returns a stop
 * function.
 */
export function addSyntheticVideo(pc: Pc, { width, height, fps, picture = 'bar' }: Pick<VideoOptions, 'width' | 'height' | 'fps'> & { picture?: Picture }): () => void {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  pc.addTransceiver(track, { direction: 'sendonly' });
  const lumaSize = width * height;
  const frameSize = lumaSize * 1.5;
  const frame = { width, height, data: new Uint8ClampedArray(frameSize) };
  const pool = picture === 'noise' ? new Uint8Array(lumaSize * 2) : undefined;
  if (pool) {
    randomFillSync(pool);
    for (let i = 0; i < pool.length; i += 1) pool[i] = 120 + (pool[i]! & 7);
  }
  const clip = picture === 'camera' ? cameraClip(width, height, fps) : undefined;
  const clipFrames = clip ? clip.length / frameSize : 0;
  frame.data.fill(128, lumaSize);
  let n = clip ? (cameraClipsStarted++ * 37) % clipFrames : 0;
  const timer = setInterval(() => {
    if (clip) {
      const offset = (n++ % clipFrames) * frameSize;
      frame.data.set(clip.subarray(offset, offset + frameSize));
      source.onFrame(frame);
      return;
    }
    // Consecutive offsets differ by ~190 rows: outside VP8's motion search, so every frame is new.
    const offset = (n * 123_457) % lumaSize;
    if (pool) frame.data.set(pool.subarray(offset, offset + lumaSize));
    else frame.data.fill(16, 0, lumaSize);
    const bar = (n++ * 8) % width;
    for (let y = 0; y < height; y += 1) frame.data.fill(235, y * width + bar, y * width + Math.min(width, bar + 32));
    source.onFrame(frame);
  }, 1000 / fps);
  return () => {
    clearInterval(timer);
    track.stop();
  };
}

/**
 * Adds a sendonly audio transceiver fed with a 440 Hz tone, 48 kHz mono, in 10 ms chunks as due by
 * the wall clock: timers fire late under load, and a source fed one chunk per tick would fall
 * behind real time (audio timestamps count samples). Returns a stop function.
 */
export function addSyntheticAudio(pc: Pc): () => void {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  pc.addTransceiver(track, { direction: 'sendonly' });
  const samples = new Int16Array(480);
  let phase = 0;
  const startedAt = Date.now();
  let chunks = 0;
  const timer = setInterval(() => {
    const due = Math.min(Math.floor((Date.now() - startedAt) / 10), chunks + 20);
    for (; chunks < due; chunks += 1) {
      for (let i = 0; i < samples.length; i += 1) samples[i] = Math.round(Math.sin((phase += (2 * Math.PI * 440) / 48000)) * 8000);
      source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length });
    }
  }, 10);
  return () => {
    clearInterval(timer);
    track.stop();
  };
}

/**
 * An Opus packet of 20 ms of silence: TOC byte 0xf8 (CELT-only, fullband, 20 ms, mono, one frame)
 * and the frame libopus itself sends for digital silence. Any Opus decoder takes it.
 */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
const OPUS_SAMPLES_PER_PACKET = 960;

/**
 * For a werift peer connection: adds a sendonly audio transceiver and sends it an Opus packet
 * every 20 ms (50 a second, as a microphone's stream) with the sequence numbers and timestamps of
 * a real stream, without an encoder. Packets before the connection is up are dropped by werift's
 * sender, as a browser's are. Returns a stop function.
 */
export function addPacketAudio(pc: Pc): () => void {
  const track = new werift.MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(track, { direction: 'sendonly' });
  let sequenceNumber = Math.floor(Math.random() * 0xffff);
  let timestamp = Math.floor(Math.random() * 0xffffffff);
  const timer = setInterval(() => {
    sequenceNumber = (sequenceNumber + 1) & 0xffff;
    timestamp = (timestamp + OPUS_SAMPLES_PER_PACKET) >>> 0;
    // The payload type and SSRC are the sender's to set: it writes its negotiated Opus ones.
    track.writeRtp(new werift.RtpPacket(new werift.RtpHeader({ sequenceNumber, timestamp }), OPUS_SILENCE));
  }, 20);
  return () => {
    clearInterval(timer);
    track.stop();
  };
}

/** Adds x-google-min/start/max-bitrate (kbps) to the VP8 format of a remote answer. */
export function pinVideoBitrate(sdp: string, kbps: number): string {
  const params = `x-google-min-bitrate=${kbps};x-google-start-bitrate=${kbps};x-google-max-bitrate=${kbps}`;
  let out = sdp;
  for (const [, pt] of sdp.matchAll(/a=rtpmap:(\d+) VP8\/90000/g)) {
    const fmtp = new RegExp(`a=fmtp:${pt} ([^\r\n]*)`);
    if (fmtp.test(out)) out = out.replace(fmtp, `a=fmtp:${pt} $1;${params}`);
    else out = out.replace(new RegExp(`(a=rtpmap:${pt} VP8/90000\r?\n)`), `$1a=fmtp:${pt} ${params}\r\n`);
  }
  return out;
}

/** The local SDP, sent when the web SDK would send it: once the first candidates are in (iceGathering.ts). */
export function completeLocal(pc: Pc, timeoutMs = 3_000): Promise<string> {
  return completeLocalSdp(pc, timeoutMs);
}

/** Resolves when `pc.connectionState` (ICE + DTLS) first becomes `connected`. */
export function whenConnected(pc: Pc, timeoutMs = 15_000): Promise<number> {
  if (pc.connectionState === 'connected') return Promise.resolve(performance.now());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer connection not connected within ${timeoutMs} ms (${pc.connectionState})`)), timeoutMs);
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') {
        clearTimeout(timer);
        resolve(performance.now());
      } else if (pc.connectionState === 'failed') {
        clearTimeout(timer);
        reject(new Error('peer connection failed'));
      }
    });
  });
}

export type StatsKind = 'audio' | 'video';

/**
 * Sums of the inbound-rtp stats of one kind of one peer connection. Frame, freeze and PLI counts
 * are video's (0 for audio); audio has its concealed samples (decoder output made up for packets
 * that were missing or late).
 */
export interface InboundRtp {
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  framesReceived: number;
  framesDecoded: number;
  framesDropped: number;
  keyFramesDecoded: number;
  freezeCount: number;
  nackCount: number;
  pliCount: number;
  firCount: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  /** Seconds, the largest of the streams. */
  jitter: number;
}

export const EMPTY_INBOUND: InboundRtp = {
  packetsReceived: 0,
  packetsLost: 0,
  bytesReceived: 0,
  framesReceived: 0,
  framesDecoded: 0,
  framesDropped: 0,
  keyFramesDecoded: 0,
  freezeCount: 0,
  nackCount: 0,
  pliCount: 0,
  firCount: 0,
  totalSamplesReceived: 0,
  concealedSamples: 0,
  jitter: 0,
};

type StatsReport = { forEach(callback: (stat: Record<string, unknown>) => void): void };

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export async function inboundRtp(pc: Pc, kind: StatsKind): Promise<InboundRtp> {
  const total = { ...EMPTY_INBOUND };
  if (!pc || pc.connectionState === 'closed') return total;
  const report = (await pc.getStats()) as StatsReport;
  report.forEach((stat) => {
    if (stat.type !== 'inbound-rtp' || (stat.kind ?? stat.mediaType) !== kind) return;
    for (const key of Object.keys(total) as Array<keyof InboundRtp>) {
      if (key === 'jitter') total.jitter = Math.max(total.jitter, num(stat.jitter));
      else total[key] += num(stat[key]);
    }
  });
  return total;
}

/** Sums of the outbound-rtp stats of one kind of one peer connection (frame figures: video only). */
export interface OutboundRtp {
  packetsSent: number;
  bytesSent: number;
  framesEncoded: number;
  keyFramesEncoded: number;
  nackCount: number;
  pliCount: number;
  firCount: number;
  retransmittedPacketsSent: number;
  frameWidth: number;
  frameHeight: number;
  qualityLimitationReason: string;
  /** From the candidate pair: what the sender's congestion control allows. */
  availableOutgoingBitrate: number;
}

export async function outboundRtp(pc: Pc, kind: StatsKind): Promise<OutboundRtp> {
  const total: OutboundRtp = {
    packetsSent: 0,
    bytesSent: 0,
    framesEncoded: 0,
    keyFramesEncoded: 0,
    nackCount: 0,
    pliCount: 0,
    firCount: 0,
    retransmittedPacketsSent: 0,
    frameWidth: 0,
    frameHeight: 0,
    qualityLimitationReason: '',
    availableOutgoingBitrate: 0,
  };
  const report = (await pc.getStats()) as StatsReport;
  report.forEach((stat) => {
    if (stat.type === 'candidate-pair' && stat.nominated && num(stat.availableOutgoingBitrate) > 0) {
      total.availableOutgoingBitrate = num(stat.availableOutgoingBitrate);
    }
    if (stat.type !== 'outbound-rtp' || (stat.kind ?? stat.mediaType) !== kind) return;
    total.packetsSent += num(stat.packetsSent);
    total.bytesSent += num(stat.bytesSent);
    total.framesEncoded += num(stat.framesEncoded);
    total.keyFramesEncoded += num(stat.keyFramesEncoded);
    total.nackCount += num(stat.nackCount);
    total.pliCount += num(stat.pliCount);
    total.firCount += num(stat.firCount);
    total.retransmittedPacketsSent += num(stat.retransmittedPacketsSent);
    total.frameWidth = Math.max(total.frameWidth, num(stat.frameWidth));
    total.frameHeight = Math.max(total.frameHeight, num(stat.frameHeight));
    if (typeof stat.qualityLimitationReason === 'string') total.qualityLimitationReason = stat.qualityLimitationReason;
  });
  return total;
}

/**
 * Calls `onFrame` for every decoded frame of a remote video track. A sink copies each frame into
 * JavaScript, which costs the bots CPU; the fan-out benchmark counts frames from getStats instead.
 */
export function attachVideoSink(track: unknown, onFrame: () => void): () => void {
  const sink = new wrtc.nonstandard.RTCVideoSink(track);
  sink.onframe = onFrame;
  return () => sink.stop();
}

/** Calls `onData` for every chunk of decoded audio of a remote audio track. */
export function attachAudioSink(track: unknown, onData: () => void): () => void {
  const sink = new wrtc.nonstandard.RTCAudioSink(track);
  sink.ondata = onData;
  return () => sink.stop();
}
