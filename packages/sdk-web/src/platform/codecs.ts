/**
 * What this browser can send and receive, in Agora's names (`ParleyRTC.getSupportedCodec`): the
 * codecs both directions of WebRTC support here, from RTCRtpSender/Receiver capabilities.
 */
export interface SupportedCodecs {
  video: string[];
  audio: string[];
}

const VIDEO_NAMES: Record<string, string> = { 'video/VP8': 'VP8', 'video/VP9': 'VP9', 'video/H264': 'H264', 'video/AV1': 'AV1' };
const AUDIO_NAMES: Record<string, string> = { 'audio/opus': 'OPUS' };

function names(kind: 'audio' | 'video', table: Record<string, string>): string[] {
  if (typeof RTCRtpSender === 'undefined' || typeof RTCRtpReceiver === 'undefined') return [];
  const send = RTCRtpSender.getCapabilities?.(kind)?.codecs ?? [];
  const receive = new Set((RTCRtpReceiver.getCapabilities?.(kind)?.codecs ?? []).map((codec) => codec.mimeType.toLowerCase()));
  const found = new Set<string>();
  for (const codec of send) {
    const name = Object.entries(table).find(([mime]) => mime.toLowerCase() === codec.mimeType.toLowerCase())?.[1];
    if (name && receive.has(codec.mimeType.toLowerCase())) found.add(name);
  }
  return [...found];
}

export async function getSupportedCodec(): Promise<SupportedCodecs> {
  return { video: names('video', VIDEO_NAMES), audio: names('audio', AUDIO_NAMES) };
}
