/**
 * The video codecs the SFU forwards (VP8, VP9, H.264, AV1: RTP passes through, never transcoded)
 * and how it settles one per publisher.
 *
 * A publish offer lists many codecs; werift answers with every one it shares, in its own order,
 * and matches H.264 by name alone, so a browser could be told to send a profile subscribers are
 * never offered. The SFU therefore keeps, in each video section of the offer, only the first codec
 * it forwards (the publisher's preference) before werift reads it: the answer names exactly one
 * codec, the publisher's received track carries it, and werift offers each subscriber just that
 * codec for it (it intersects a forwarded track's codec with the configured ones).
 */
import { FORWARDED_H264_PROFILES } from '@parley/protocol/constants';
import { RTCRtpCodecParameters, useNACK, usePLI, useREMB } from 'werift';

export interface OfferedCodec {
  payloadType: string;
  /** `video/H264`, as written in the SDP's rtpmap. */
  mimeType: string;
  clockRate: number;
  parameters: Map<string, string>;
}

/** What an error message tells a client the SFU forwards. */
export const FORWARDED_VIDEO = `VP8, VP9 (profile 0), H.264 (packetization-mode 1, profile ${FORWARDED_H264_PROFILES.join(' or ')}) and AV1 (profile 0)`;

const feedback = () => [useNACK(), usePLI(), useREMB(), { type: 'ccm', parameter: 'fir' }];

/** werift's codec list for video: fresh objects per peer connection (werift assigns payload types into them). */
export function forwardedVideoCodecs(): RTCRtpCodecParameters[] {
  const codec = (mimeType: string, parameters?: string) => new RTCRtpCodecParameters({ mimeType, clockRate: 90000, rtcpFeedback: feedback(), ...(parameters ? { parameters } : {}) });
  return [
    codec('video/VP8'),
    codec('video/VP9', 'profile-id=0'),
    ...FORWARDED_H264_PROFILES.map((profile) => codec('video/H264', `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${profile}`)),
    codec('video/AV1', 'level-idx=5;profile=0;tier=0'),
  ];
}

/** Whether the SFU forwards `codec` as offered (an absent profile parameter means profile 0). */
export function isForwarded(codec: OfferedCodec): boolean {
  if (codec.clockRate !== 90000) return false;
  const parameter = (name: string) => codec.parameters.get(name);
  switch (codec.mimeType.toLowerCase()) {
    case 'video/vp8':
      return true;
    case 'video/vp9':
      return (parameter('profile-id') ?? '0') === '0';
    case 'video/h264':
      return parameter('packetization-mode') === '1' && FORWARDED_H264_PROFILES.includes(parameter('profile-level-id')?.toLowerCase() ?? '');
    case 'video/av1':
      return (parameter('profile') ?? '0') === '0';
    default:
      return false;
  }
}

const PAYLOAD_ATTRIBUTE = /^a=(rtpmap|fmtp|rtcp-fb):(\d+)[ ]/;

/** The codecs a media section lists (its lines, the m= line first), in the m= line's order. */
export function sectionCodecs(lines: readonly string[]): OfferedCodec[] {
  const order = (lines[0] ?? '').trim().split(' ').slice(3);
  const codecs = new Map<string, OfferedCodec>();
  for (const line of lines) {
    const match = PAYLOAD_ATTRIBUTE.exec(line);
    if (!match) continue;
    const [, attribute, payloadType = ''] = match;
    const value = line.slice(match[0].length).trim();
    if (attribute === 'rtpmap') {
      const [name = '', clockRate = ''] = value.split('/');
      codecs.set(payloadType, { payloadType, mimeType: `${lines[0]!.slice(2).split(' ')[0]}/${name}`, clockRate: Number(clockRate), parameters: new Map() });
    } else if (attribute === 'fmtp') {
      const codec = codecs.get(payloadType);
      for (const pair of value.split(';')) {
        const split = pair.indexOf('=');
        if (codec && split > 0) codec.parameters.set(pair.slice(0, split).trim().toLowerCase(), pair.slice(split + 1).trim());
      }
    }
  }
  return order.flatMap((payloadType) => codecs.get(payloadType) ?? []);
}

/** The codec the SFU answers a video section with: the first it forwards, in the offerer's order. */
export function chooseVideoCodec(codecs: readonly OfferedCodec[]): OfferedCodec | undefined {
  return codecs.find(isForwarded);
}

/**
 * The offer with each video section narrowed to its chosen codec (m= line, rtpmap, fmtp and
 * rtcp-fb lines of the other payload types removed). Sections with no forwarded codec stay as
 * they are: werift rejects them (port 0), and checkPublishOffer refuses them when they are declared.
 */
export function keepChosenVideoCodec(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const blocks: string[][] = [[]];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) blocks.push([]);
    blocks.at(-1)!.push(line);
  }
  return blocks
    .map((lines) => {
      if (!lines[0]?.startsWith('m=video ')) return lines;
      const chosen = chooseVideoCodec(sectionCodecs(lines));
      if (!chosen) return lines;
      const mLine = `${lines[0].split(' ').slice(0, 3).join(' ')} ${chosen.payloadType}`;
      return [mLine, ...lines.slice(1).filter((line) => (PAYLOAD_ATTRIBUTE.exec(line)?.[2] ?? chosen.payloadType) === chosen.payloadType)];
    })
    .flat()
    .join(eol);
}
