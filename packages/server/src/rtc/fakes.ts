/**
 * Test doubles for the SFU's unit tests: a signaling peer that records what it is sent, and an
 * RtcService wired to real tokens (signed with a fixed App Certificate), an in-memory directory,
 * a real event bus and ban rules the test sets. No sockets, no database, no media: what a test
 * needs peer connections for belongs in the end-to-end tests.
 */
import { createCluster } from '../cluster/index.ts';
import { MemoryChannelPlacement } from '../live/channelPlacement.ts';
import { MemoryChannelSites } from '../live/channelSites.ts';
import { MemoryNodeRegistry } from '../live/nodeRegistry.ts';
import { buildRtcToken } from '@parley/token';
import type { BanPrivilege } from '../bans/service.ts';
import type { DomainEvent, ServerMessage } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { EventBus } from '../events/bus.ts';
import { MemoryParticipantDirectory } from '../live/memoryParticipantDirectory.ts';
import { TokenService } from '../tokens/service.ts';
import { RtcService, type RtcDeps } from './service.ts';
import type { SignalingPeer } from './signalingPeer.ts';
import { quietLogger } from '../log/logger.ts';

export const APP_ID = '0123456789abcdef0123456789abcdef';

/** Fake clocks for vi.useFakeTimers that leave setImmediate real, so `settle()` still works. */
export const FAKE_TIMERS: { toFake: Array<'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval' | 'Date'> } = {
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
};
const APP_CERTIFICATE = 'fedcba9876543210fedcba9876543210';

export class FakePeer implements SignalingPeer {
  readonly sent: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  pings = 0;
  terminated = false;
  readonly remoteAddress: string;

  constructor(remoteAddress = '198.18.0.1') {
    this.remoteAddress = remoteAddress;
  }

  send(message: ServerMessage): void {
    if (!this.closed && !this.terminated) this.sent.push(message);
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }

  ping(): void {
    this.pings += 1;
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Messages of one type, in order. */
  of<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.sent.filter((message) => message.type === type) as never;
  }
}

export interface RtcHarness {
  rtc: RtcService;
  /** The bus the service emits on (what `events` records). */
  bus: EventBus;
  events: DomainEvent[];
  directory: MemoryParticipantDirectory;
  /** Privileges denied by ban rules, for every join and renewal from now on. */
  denied: Set<BanPrivilege>;
  /** The fake project's settings, read on every join: a test switches testing mode here. */
  project: { status: 'active' | 'disabled'; testingMode: boolean };
  token(channel: string, uid: number | string, options?: { role?: 'publisher' | 'subscriber'; seconds?: number; appId?: string }): string;
  /** Lets pending promise callbacks run (directory writes, event listeners). */
  settle(): Promise<void>;
}

export function rtcHarness(options: { perIp?: number; perToken?: number; localChange?: RtcDeps['localChange'] } = {}): RtcHarness {
  const events: DomainEvent[] = [];
  const log = quietLogger;
  const bus = new EventBus(log);
  for (const type of ['channel.created', 'channel.destroyed', 'participant.joined', 'participant.left', 'track.published', 'track.unpublished'] as const) {
    bus.on(type, (event) => void events.push(event));
  }
  const directory = new MemoryParticipantDirectory();
  const denied = new Set<BanPrivilege>();
  const project = { status: 'active' as 'active' | 'disabled', testingMode: false };
  const projects = {
    findCertificate: async (appId: string) => (appId === APP_ID ? APP_CERTIFICATE : undefined),
    findCertificates: async (appId: string) => (appId === APP_ID ? [APP_CERTIFICATE] : undefined),
    findProject: async (appId: string) => (appId === APP_ID ? { appId, accountId: 'account', name: 'fake', ...project } : undefined),
  };
  const tokens = new TokenService(projects, 86_400);
  const cluster = createCluster({
    nodes: new MemoryNodeRegistry(),
    placement: new MemoryChannelPlacement(() => true),
    nodeId: 'test',
    url: 'http://127.0.0.1:1',
    events: bus,
    cascade: { sites: new MemoryChannelSites(), cap: 0 },
    log,
    carried: () => ({ participants: 0, rooms: 0, forwardedStreams: 0, freePorts: null }),
  });
  const rtc = new RtcService({
    homes: cluster.homes,
    tokens,
    projects,
    bans: { deniedPrivileges: async () => new Set(denied) },
    events: bus,
    directory,
    network: { announced: ['127.0.0.1'], portMin: 49000, portMax: 49009, connectTimeoutMs: 10_000 },
    sessionCaps: { perIp: options.perIp ?? 100, perToken: options.perToken ?? 10 },
    nodeId: 'test',
    log,
    ...(options.localChange ? { localChange: options.localChange } : {}),
  });
  return {
    rtc,
    bus,
    events,
    directory,
    denied,
    project,
    token: (channel, uid, { role = 'publisher', seconds = 600, appId = APP_ID } = {}) =>
      buildRtcToken({ appId, appCertificate: APP_CERTIFICATE, channel, uid, role, tokenExpireSeconds: seconds, privilegeExpireSeconds: seconds }),
    settle: () => new Promise((resolve) => setImmediate(resolve)),
  };
}

/** The DomainError a call of the service was refused with (fails the test when it was not). */
export async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal (DomainError), got ${error === undefined ? 'success' : String(error)}`);
  return error;
}
