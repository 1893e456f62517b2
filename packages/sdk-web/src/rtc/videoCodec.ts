/**
 * The video codec a client publishes in (Agora's `ClientConfig.codec`): put first in the publish
 * transceiver's codec list, so the browser offers it first and the SFU, which keeps the
 * publisher's first codec it forwards, answers with it. Subscribers receive what the publisher
 * sends, untouched. A browser that cannot send the codec publishes VP8, which every WebRTC
 * browser sends, and the page's console says so once.
 */
import { log } from '../platform/log.ts';
import { FORWARDED_H264_PROFILES } from '../protocolConstants.ts';

export type VideoCodec = 'vp8' | 'vp9' | 'h264' | 'av1';

export const VIDEO_CODECS: readonly VideoCodec[] = ['vp8', 'vp9', 'h264', 'av1'];

function parameter(capability: RTCRtpCodec, name: string): string | undefined {
  for (const pair of (capability.sdpFmtpLine ?? '').split(';')) {
    const [key, value] = pair.split('=');
    if (key?.trim() === name) return value?.trim().toLowerCase();
  }
  return undefined;
}

/** Where `capability` goes among the ones for `codec` (lower first), or -1 when it is not one the SFU forwards. */
function rank(codec: VideoCodec, capability: RTCRtpCodec): number {
  if (capability.mimeType.toLowerCase() !== `video/${codec}`) return -1;
  if (codec === 'h264') return parameter(capability, 'packetization-mode') === '1' ? FORWARDED_H264_PROFILES.indexOf(parameter(capability, 'profile-level-id') ?? '') : -1;
  if (codec === 'vp9') return (parameter(capability, 'profile-id') ?? '0') === '0' ? 0 : -1;
  if (codec === 'av1') return (parameter(capability, 'profile') ?? '0') === '0' ? 0 : -1;
  return 0;
}

function ofCodec(codec: VideoCodec, capabilities: RTCRtpCodec[]): RTCRtpCodec[] {
  return capabilities.filter((c) => rank(codec, c) >= 0).sort((a, b) => rank(codec, a) - rank(codec, b));
}

/** Puts `codec` first on `transceiver`; false when this browser cannot send it or cannot choose codecs. */
function putFirst(transceiver: RTCRtpTransceiver, codec: VideoCodec): boolean {
  if (typeof transceiver.setCodecPreferences !== 'function' || typeof RTCRtpSender.getCapabilities !== 'function') return false;
  const key = (c: RTCRtpCodec) => `${c.mimeType} ${c.sdpFmtpLine ?? ''}`;
  const sendable = new Set(ofCodec(codec, RTCRtpSender.getCapabilities('video')?.codecs ?? []).map(key));
  // Chromium checks preferences against the receiver's capabilities; the sender's say what it can encode.
  const all = RTCRtpReceiver.getCapabilities?.('video')?.codecs ?? [];
  const preferred = ofCodec(codec, all).filter((c) => sendable.has(key(c)));
  if (preferred.length === 0) return false;
  try {
    transceiver.setCodecPreferences([...preferred, ...all.filter((c) => !preferred.includes(c))]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Puts `codec` first on a publish transceiver; resolves to the codec it will send. VP8 needs no
 * preference where it cannot be set: browsers offer it first by default.
 */
export function preferVideoCodec(transceiver: RTCRtpTransceiver, codec: VideoCodec): VideoCodec {
  if (putFirst(transceiver, codec) || codec === 'vp8') return codec;
  log.warnOnce(`codec-fallback:${codec}`, `This browser cannot send ${codec.toUpperCase()} video: publishing VP8 instead`);
  putFirst(transceiver, 'vp8');
  return 'vp8';
}
