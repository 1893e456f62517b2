import { describe, expect, it } from 'vitest';
import { DomainError } from '../domainError.ts';
import { checkPublishOffer, checkSubscribeAnswer, MAX_CANDIDATES, mediaSections } from './offerCheck.ts';

const HEAD = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';
const RTPMAP: Record<string, string> = { audio: 'opus/48000/2', video: 'VP8/90000' };
const section = (kind: string, mid: string, direction = 'sendonly', port = 9, rtpmap = RTPMAP[kind] ?? 'x/1') =>
  `m=${kind} ${port} UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:${mid}\r\na=${direction}\r\na=rtpmap:96 ${rtpmap}\r\n`;

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('invalid_offer');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('publish offer check', () => {
  it('accepts an offer whose declared tracks are sending sections of their kind', () => {
    const sdp = HEAD + section('audio', '0') + section('video', '1');
    expect(() => checkPublishOffer(sdp, [{ mid: '0', kind: 'audio' }, { mid: '1', kind: 'video' }])).not.toThrow();
    expect(mediaSections(sdp, 100)).toMatchObject([
      { kind: 'audio', mid: '0', port: 9, direction: 'sendonly', rids: [] },
      { kind: 'video', mid: '1', port: 9, direction: 'sendonly', rids: [] },
    ]);
  });

  it('accepts dual stream (rids h and l on video) and refuses any other simulcast', () => {
    const simulcast = (kind: string, rids: string[]) => section(kind, '1') + rids.map((rid) => `a=rid:${rid} send\r\n`).join('') + `a=simulcast:send ${rids.join(';')}\r\n`;
    const offer = (kind: string, rids: string[]) => () => checkPublishOffer(HEAD + section('audio', '0') + simulcast(kind, rids), [{ mid: '1', kind: kind as 'video' }]);
    expect(offer('video', ['l', 'h'])).not.toThrow();
    expect(mediaSections(HEAD + simulcast('video', ['l', 'h']), 100)[0]!.rids).toEqual(['l', 'h']);
    expect(refusal(offer('video', ['l', 'h', 'x']))).toMatch(/Unknown simulcast rid "x"/);
    expect(refusal(offer('video', ['h', 'h']))).toMatch(/rid h appears twice/);
    expect(refusal(() => checkPublishOffer(HEAD + simulcast('audio', ['l', 'h']), []))).toMatch(/video only/);
  });

  it('lets an unpublished kind keep its section, undeclared', () => {
    expect(() => checkPublishOffer(HEAD + section('audio', '0') + section('video', '1'), [{ mid: '1', kind: 'video' }])).not.toThrow();
  });

  it('refuses too many media sections before looking at them', () => {
    expect(refusal(() => checkPublishOffer(HEAD + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'.repeat(9), []))).toMatch(/9 media sections; at most 8/);
  });

  it('refuses what is not SDP, sections of other kinds, missing and repeated mids', () => {
    expect(refusal(() => checkPublishOffer('hello', []))).toMatch(/v=0/);
    expect(refusal(() => checkPublishOffer(HEAD, []))).toMatch(/no media sections/);
    expect(refusal(() => checkPublishOffer(HEAD + section('text', '0'), []))).toMatch(/only audio, video and one data channel/);
    expect(refusal(() => checkPublishOffer(HEAD + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n', []))).toMatch(/a=mid/);
    expect(refusal(() => checkPublishOffer(HEAD + section('audio', '0') + section('video', '0'), []))).toMatch(/twice/);
  });

  it('carries one data channel section beside the media, or alone for someone who may not publish', () => {
    const data = 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sctp-port:5000\r\n';
    expect(() => checkPublishOffer(HEAD + data + section('audio', '1'), [{ mid: '1', kind: 'audio' }])).not.toThrow();
    expect(() => checkPublishOffer(HEAD + data, [], { media: false })).not.toThrow();
    expect(refusal(() => checkPublishOffer(HEAD + data + data.replace('a=mid:0', 'a=mid:1'), []))).toMatch(/more than one application section/);
    expect(() => checkPublishOffer(HEAD + data + section('audio', '1'), [], { media: false })).toThrow(/data channel only/);
    expect(refusal(() => checkPublishOffer(HEAD + data, [{ mid: '0', kind: 'audio' }]))).toMatch(/is a application section/);
  });

  it('refuses declared tracks that are absent, of another kind, not sending, or doubled', () => {
    const sdp = HEAD + section('audio', '0') + section('video', '1', 'recvonly') + section('video', '2', 'sendonly', 0) + section('audio', '3');
    expect(refusal(() => checkPublishOffer(sdp, [{ mid: '7', kind: 'audio' }]))).toMatch(/mid 7 is not in the offer/);
    expect(refusal(() => checkPublishOffer(sdp, [{ mid: '0', kind: 'video' }]))).toMatch(/is a audio section/);
    expect(refusal(() => checkPublishOffer(sdp, [{ mid: '1', kind: 'video' }]))).toMatch(/does not send \(recvonly\)/);
    expect(refusal(() => checkPublishOffer(sdp, [{ mid: '2', kind: 'video' }]))).toMatch(/port 0/);
    expect(refusal(() => checkPublishOffer(sdp, [{ mid: '0', kind: 'audio' }, { mid: '3', kind: 'audio' }]))).toMatch(/More than one audio/);
  });

  it('refuses a declared video track whose codecs the SFU does not forward, and lets an unused one be', () => {
    const h265 = HEAD + section('audio', '0') + section('video', '1', 'sendonly', 9, 'H265/90000');
    expect(refusal(() => checkPublishOffer(h265, [{ mid: '1', kind: 'video' }]))).toMatch(/mid 1 offers H265; the SFU forwards VP8, VP9 .*H\.264 .*AV1/);
    expect(() => checkPublishOffer(h265, [{ mid: '0', kind: 'audio' }])).not.toThrow();
    const h264Mode0 = HEAD + section('video', '0', 'sendonly', 9, 'H264/90000') + 'a=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r\n';
    expect(refusal(() => checkPublishOffer(h264Mode0, [{ mid: '0', kind: 'video' }]))).toMatch(/offers H264;/);
  });

  it('refuses long candidate lists and too many lines', () => {
    const candidates = Array.from({ length: MAX_CANDIDATES + 1 }, (_, i) => `a=candidate:${i} 1 udp 1 198.18.0.${i % 250} 9 typ host\r\n`).join('');
    expect(refusal(() => checkPublishOffer(HEAD + section('audio', '0') + candidates, []))).toMatch(/more than 64 UDP ICE candidates/);
    const upperCase = candidates.replaceAll(' udp ', ' UDP ');
    expect(refusal(() => checkPublishOffer(HEAD + section('audio', '0') + upperCase, []))).toMatch(/UDP ICE candidates/);
    expect(refusal(() => checkPublishOffer(HEAD + section('audio', '0') + 'a=x\r\n'.repeat(1300), []))).toMatch(/lines/);
  });

  it('takes the TCP candidates libwebrtc lists by the dozen under load, which the SFU never checks', () => {
    // As a wrtc client listed them with 50 connections gathering in one process: 4 UDP, 112 TCP.
    const udp = ['192.0.2.2', '127.0.0.1', 'fd00::2', '::1'].map((address, i) => `a=candidate:${i} 1 udp 2122194687 ${address} ${40000 + i} typ host generation 0\r\n`);
    const tcp = Array.from({ length: 112 }, (_, i) => `a=candidate:2398920056 1 tcp 1518214911 192.0.2.2 ${41000 + i} typ host tcptype passive generation 0\r\n`);
    const offer = HEAD + section('audio', '0') + [...udp, ...tcp].join('');
    expect(() => checkPublishOffer(offer, [{ mid: '0', kind: 'audio' }])).not.toThrow();
    expect(() => checkSubscribeAnswer(HEAD + section('audio', '0', 'recvonly') + [...udp, ...tcp].join(''), 1)).not.toThrow();
    // The UDP ones still count: 61 more make 65.
    const moreUdp = Array.from({ length: 61 }, (_, i) => `a=candidate:${10 + i} 1 udp 1 198.18.0.${i} 9 typ host\r\n`).join('');
    expect(refusal(() => checkPublishOffer(offer + moreUdp, []))).toMatch(/more than 64 UDP ICE candidates/);
  });
});

describe('subscribe answer check', () => {
  it('wants one section per offered section', () => {
    expect(() => checkSubscribeAnswer(HEAD + section('video', '0', 'recvonly') + section('audio', '1', 'recvonly'), 2)).not.toThrow();
    expect(refusal(() => checkSubscribeAnswer(HEAD + section('video', '0', 'recvonly'), 2))).toMatch(/1 media sections; the offer had 2/);
  });
});
