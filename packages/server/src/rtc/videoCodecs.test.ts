import { describe, expect, it } from 'vitest';
import { chooseVideoCodec, keepChosenVideoCodec, sectionCodecs } from './videoCodecs.ts';

/** A video section as Chromium writes one, codecs in the order given. */
function videoSection(codecs: Array<[pt: number, rtpmap: string, fmtp?: string]>): string[] {
  return [
    `m=video 9 UDP/TLS/RTP/SAVPF ${codecs.map(([pt]) => pt).join(' ')}`,
    'a=mid:1',
    'a=sendonly',
    'a=rtcp-fb:* transport-cc',
    ...codecs.flatMap(([pt, rtpmap, fmtp]) => [`a=rtpmap:${pt} ${rtpmap}`, `a=rtcp-fb:${pt} nack pli`, ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : [])]),
    'a=ssrc:1 cname:x',
  ];
}

const H264 = (mode: number, profile: string) => `level-asymmetry-allowed=1;packetization-mode=${mode};profile-level-id=${profile}`;

describe('video codec choice', () => {
  it('picks the offerer\'s first forwarded codec, skipping what subscribers would not be offered', () => {
    const pick = (codecs: Array<[number, string, string?]>) => chooseVideoCodec(sectionCodecs(videoSection(codecs)))?.payloadType;
    expect(pick([[96, 'VP8/90000'], [98, 'VP9/90000', 'profile-id=0']])).toBe('96');
    expect(pick([[97, 'rtx/90000', 'apt=96'], [98, 'VP9/90000', 'profile-id=2'], [100, 'VP9/90000', 'profile-id=0']])).toBe('100');
    expect(pick([[103, 'H264/90000', H264(0, '42e01f')], [104, 'H264/90000', H264(1, '4d001f')], [105, 'H264/90000', H264(1, '42E01F')]])).toBe('105');
    expect(pick([[45, 'AV1/90000', 'level-idx=5;profile=1;tier=0'], [35, 'AV1/90000']])).toBe('35');
    expect(pick([[49, 'H265/90000'], [127, 'red/90000']])).toBeUndefined();
  });

  it('narrows each video section of an offer to the chosen codec and leaves the rest alone', () => {
    const audio = ['m=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1'];
    const video = videoSection([[96, 'VP8/90000'], [97, 'rtx/90000', 'apt=96'], [102, 'H264/90000', H264(1, '42e01f')], [103, 'rtx/90000', 'apt=102']]);
    video[0] = 'm=video 9 UDP/TLS/RTP/SAVPF 102 103 96 97';
    const sdp = ['v=0', 's=-', ...audio, ...video, ''].join('\r\n');
    const narrowed = keepChosenVideoCodec(sdp).split('\r\n');
    expect(narrowed.slice(0, 2 + audio.length)).toEqual(['v=0', 's=-', ...audio]);
    expect(narrowed.slice(2 + audio.length)).toEqual([
      'm=video 9 UDP/TLS/RTP/SAVPF 102',
      'a=mid:1',
      'a=sendonly',
      'a=rtcp-fb:* transport-cc',
      'a=rtpmap:102 H264/90000',
      'a=rtcp-fb:102 nack pli',
      `a=fmtp:102 ${H264(1, '42e01f')}`,
      'a=ssrc:1 cname:x',
      '',
    ]);
    const unforwarded = ['v=0', ...videoSection([[49, 'H265/90000']]), ''].join('\n');
    expect(keepChosenVideoCodec(unforwarded)).toBe(unforwarded);
  });
});
