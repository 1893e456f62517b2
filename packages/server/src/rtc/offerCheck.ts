/**
 * Checks a client's SDP before werift parses it. werift builds a transceiver, an ICE and a DTLS
 * context per media section, so its cost grows with the sections an offer lists: one offer of
 * 1,700 bare `m=audio` lines held the event loop for ten seconds. A line scan is cheap and bounded
 * by the schema's size limit, so whatever reaches werift has few sections, each one a kind the
 * SFU forwards, with the mids the client declared.
 */
import { SDP_LIMITS, SIMULCAST_RIDS, type MediaKind } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { chooseVideoCodec, FORWARDED_VIDEO, sectionCodecs } from './videoCodecs.ts';

export interface MediaSection {
  kind: string;
  mid: string | undefined;
  /** Port 0 marks a section the offerer has stopped. */
  port: number;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** RTP stream ids of a simulcast section (`a=rid:`). */
  rids: string[];
  /** The section's lines, its m= line first. */
  lines: string[];
}

/** Dual stream's layers are the only simulcast the SFU forwards. */
const KNOWN_RIDS: ReadonlySet<string> = new Set(Object.values(SIMULCAST_RIDS));

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
/**
 * The server sends ICE checks to every UDP candidate a client lists, so a long list would aim the
 * SFU at addresses of the client's choosing. Browsers list a few per interface and TURN server.
 * TCP candidates are not counted: the SFU gathers none, and werift pairs a remote candidate only
 * with a local one of its transport, so it never checks them. libwebrtc lists them by the dozen
 * when many connections gather at once (50 in one process: up to 112 TCP next to 4 UDP), and
 * counting them refused 4 of 50 such clients in bench:joins.
 */
export const MAX_CANDIDATES = 64;

/** `a=candidate:<foundation> <component> <transport> …`: whether the SFU would check it. */
function isUdpCandidate(line: string): boolean {
  const transport = line.split(' ', 3)[2];
  return transport !== undefined && transport.toLowerCase() === 'udp';
}

function refuse(message: string): never {
  throw new DomainError('invalid_offer', message);
}

/** The media sections of an SDP, from a single pass over its lines; refuses what is not SDP. */
export function mediaSections(sdp: string, maxLines: number): MediaSection[] {
  const lines = sdp.split(/\r?\n/);
  if (lines.length > maxLines) refuse(`The SDP has ${lines.length} lines; at most ${maxLines} are accepted`);
  if (!lines[0]?.startsWith('v=0')) refuse('Not an SDP description: it must start with v=0');
  const sections: MediaSection[] = [];
  let candidates = 0;
  for (const line of lines) {
    if (line.startsWith('a=candidate:') && isUdpCandidate(line) && ++candidates > MAX_CANDIDATES) refuse(`The SDP lists more than ${MAX_CANDIDATES} UDP ICE candidates`);
    if (line.startsWith('m=')) {
      const [kind = '', port = ''] = line.slice(2).split(' ');
      sections.push({ kind, mid: undefined, port: Number(port), direction: 'sendrecv', rids: [], lines: [line] });
      continue;
    }
    const section = sections.at(-1);
    if (!section) continue;
    section.lines.push(line);
    if (line.startsWith('a=mid:')) section.mid = line.slice(6).trim();
    else if (line.startsWith('a=rid:')) section.rids.push(line.slice(6).split(' ')[0] ?? '');
    else if (DIRECTIONS.has(line.slice(2).trim()) && line.startsWith('a=')) section.direction = line.slice(2).trim() as MediaSection['direction'];
  }
  return sections;
}

/**
 * A publish offer: at most SDP_LIMITS.publishMediaSections sections with unique mids, each audio
 * or video, plus at most one application section (the data channel), and every declared track on
 * a live section of its kind that sends. Sections the client no longer uses (an unpublished kind
 * keeps its transceiver) may stay, undeclared. Without `media` (someone who may not publish) the
 * offer may carry the data channel only: anything else is `forbidden`.
 */
export function checkPublishOffer(sdp: string, declared: ReadonlyArray<{ mid: string; kind: MediaKind }>, { media = true } = {}): void {
  const sections = mediaSections(sdp, SDP_LIMITS.publishOfferLines);
  if (sections.length === 0) refuse('The offer has no media sections');
  if (!media && sections.some((section) => section.kind !== 'application')) {
    throw new DomainError('forbidden', 'Not allowed to publish media: the offer may carry the data channel only');
  }
  if (sections.length > SDP_LIMITS.publishMediaSections) {
    refuse(`The offer has ${sections.length} media sections; at most ${SDP_LIMITS.publishMediaSections} are accepted`);
  }
  const byMid = new Map<string, MediaSection>();
  let applications = 0;
  for (const section of sections) {
    if (section.kind === 'application') {
      if (++applications > 1) refuse('The offer has more than one application section: one data channel is carried');
    } else if (section.kind !== 'audio' && section.kind !== 'video') {
      refuse(`Media section of kind "${section.kind.slice(0, 16)}": only audio, video and one data channel are carried`);
    }
    if (section.mid === undefined) refuse('Every media section needs an a=mid line');
    if (byMid.has(section.mid)) refuse(`mid ${section.mid.slice(0, 16)} appears twice`);
    checkRids(section);
    byMid.set(section.mid, section);
  }
  const declaredKinds = new Set<MediaKind>();
  for (const { mid, kind } of declared) {
    const section = byMid.get(mid);
    if (!section) refuse(`Declared track mid ${mid} is not in the offer`);
    if (section.kind !== kind) refuse(`Declared ${kind} track mid ${mid} is a ${section.kind} section in the offer`);
    if (section.port === 0 || (section.direction !== 'sendonly' && section.direction !== 'sendrecv')) {
      refuse(`Declared track mid ${mid} does not send (${section.port === 0 ? 'port 0' : section.direction})`);
    }
    if (declaredKinds.has(kind)) refuse(`More than one ${kind} track declared`);
    if (kind === 'video' && !chooseVideoCodec(sectionCodecs(section.lines))) {
      const offered = [...new Set(sectionCodecs(section.lines).map((codec) => codec.mimeType.slice(6)))].join(', ').slice(0, 120) || 'no codec';
      refuse(`Declared video track mid ${mid} offers ${offered}; the SFU forwards ${FORWARDED_VIDEO}`);
    }
    declaredKinds.add(kind);
  }
}

/** Simulcast only as dual stream: on video, the rids of SIMULCAST_RIDS, each once. */
function checkRids(section: MediaSection): void {
  if (section.rids.length === 0) return;
  if (section.kind !== 'video') refuse('Simulcast (a=rid) is accepted on video only');
  const seen = new Set<string>();
  for (const rid of section.rids) {
    if (!KNOWN_RIDS.has(rid)) refuse(`Unknown simulcast rid "${rid.slice(0, 16)}": dual stream uses ${[...KNOWN_RIDS].join(' and ')}`);
    if (seen.has(rid)) refuse(`Simulcast rid ${rid} appears twice`);
    seen.add(rid);
  }
}

/** A subscribe answer must answer the server's offer section for section (RFC 3264). */
export function checkSubscribeAnswer(sdp: string, offeredSections: number): void {
  // An answer's lines grow with its sections; 60 per section is far above what browsers write.
  const sections = mediaSections(sdp, 100 + offeredSections * 60);
  if (sections.length !== offeredSections) refuse(`The answer has ${sections.length} media sections; the offer had ${offeredSections}`);
}
