/**
 * The domain services of one server, wired to its store and live state.
 */
import { KickingRuleService } from './bans/kickingRules.ts';
import { ChannelActions } from './cluster/channelActions.ts';
import { createCluster, type CarriedLoad, type Cluster } from './cluster/index.ts';
import { BanService } from './bans/service.ts';
import { ChannelStateCache } from './channels/storedState.ts';
import { ChannelService } from './channels/service.ts';
import { findChannel } from './channels/store.ts';
import type { Config, WebhooksConfig } from './config/index.ts';
import { AuthFailureBudget } from './http/guard/authFailures.ts';
import { ConsoleService } from './console/service.ts';
import { logActivity } from './events/activityLog.ts';
import { EventBus } from './events/bus.ts';
import type { LiveState } from './live/index.ts';
import { CertificateCipher } from './projects/credentials.ts';
import { ProjectService } from './projects/service.ts';
import { MediaTools } from './recording/mediaTools.ts';
import { RecordingService } from './recording/service.ts';
import { Cascade } from './rtc/cascade/cascade.ts';
import { RtcService } from './rtc/service.ts';
import { SessionService } from './sessions/service.ts';
import { subscribeSessions } from './sessions/subscribe.ts';
import type { Store } from './store/database.ts';
import { WriteProbe } from './store/writeProbe.ts';
import { TokenService } from './tokens/service.ts';
import { UsageService } from './usage/service.ts';
import { systemResolver } from './net/addressPolicy.ts';
import { WebhookOutbox } from './webhooks/outbox.ts';
import { WebhookService } from './webhooks/service.ts';
import { DeliveryWorker } from './webhooks/worker.ts';
import type { Logger } from './log/logger.ts';
import type { OpenedMediaNetwork } from './rtc/mediaNetwork.ts';

export interface Services {
  store: Store;
  /** Whether the store takes writes (readiness). */
  storeWrites: WriteProbe;
  events: EventBus;
  live: LiveState;
  projects: ProjectService;
  channels: ChannelService;
  tokens: TokenService;
  bans: BanService;
  rtc: RtcService;
  sessions: SessionService;
  usage: UsageService;
  webhooks: WebhookService;
  /** Sends the webhook outbox; server.ts starts and stops it. */
  webhookWorker: DeliveryWorker;
  kickingRules: KickingRuleService;
  recordings: RecordingService;
  /** Failed authentications per client IP and Customer ID, shared by the v1 and Agora edges. */
  authFailures: AuthFailureBudget;
  console: ConsoleService;
  /** The SFU's addresses and UDP sockets; readiness reports its problems. */
  media: OpenedMediaNetwork;
  /** This node in the cluster: heartbeat, and which node hosts each channel. */
  cluster: Cluster;
  /** Kicks, closing channels, rooms and recordings on whichever node holds them. */
  actions: ChannelActions;
  /** Channels that span nodes (PARLEY_CHANNEL_NODE_CAP); unset when a channel stays on one node. */
  cascade: Cascade | undefined;
}

export function createServices(
  store: Store,
  live: LiveState,
  config: Pick<Config, 'node' | 'store' | 'auth' | 'rtc' | 'recording' | 'webhooks'>,
  log: Logger,
  media: OpenedMediaNetwork,
): Services {
  const projects = new ProjectService(store.db, config.auth.secretKey, live.generations);
  const events = new EventBus(log);
  const webhooks = new WebhookService(store.db, { secretKey: config.auth.secretKey, policy: { allowPrivate: config.webhooks.allowPrivate, resolve: systemResolver } });
  // Webhook notices are written in the transactions of the changes they report: sessions (the
  // channels' journal) and recordings hand their events to the outbox.
  const outbox = new WebhookOutbox(webhooks);
  const sessions = new SessionService(store.db, config.node.id, log, outbox);
  // Subscribed before anything can publish, so no join or leave goes unrecorded.
  subscribeSessions(events, sessions);
  logActivity(events, log);
  const tokens = new TokenService(projects, config.auth.tokenMaxLifetimeSeconds);
  const bans = new BanService(store.db);
  const cluster = createCluster({
    nodes: live.nodes,
    placement: live.placement,
    nodeId: config.node.id,
    url: config.node.url ?? '',
    events,
    cascade: { sites: live.sites, cap: config.node.channelNodeCap },
    log,
    carried: () => carriedLoad(rtc),
    fenced: (silentMs) => {
      // On the embedded default this process is the whole cluster: no other node can have taken
      // its sessions or channels, so its calls go on; the stall itself is worth a warning.
      if (live.kind === 'memory') {
        log.warn({ nodeId: config.node.id, silentMs }, 'the server was stalled for longer than a cluster heartbeat lasts (a blocked event loop, a paused VM, swapping): calls may have frozen meanwhile');
        return;
      }
      log.error({ nodeId: config.node.id, silentMs }, 'this node lost the cluster for longer than its heartbeat lasts: the others closed its sessions, so its clients are sent to join again');
      void rtc.evacuate().then(() => (cluster.homes.evacuating = false));
    },
  });
  const rtc = new RtcService({
    homes: cluster.homes,
    tokens,
    bans,
    projects,
    events,
    directory: live.participants,
    network: media.network,
    sessionCaps: { perIp: config.rtc.maxSessionsPerIp, perToken: config.rtc.maxSessionsPerToken },
    ...(config.rtc.turnUrls && config.rtc.turnSecret ? { turn: { urls: config.rtc.turnUrls, secret: config.rtc.turnSecret, ttlSeconds: config.rtc.turnTtlSeconds } } : {}),
    nodeId: config.node.id,
    log,
    localChange: (room, left) => cascade?.localChange(room, left),
  });
  const actions: ChannelActions = new ChannelActions({
    nodeId: config.node.id,
    messenger: live.messenger,
    placement: live.placement,
    sites: live.sites,
    registry: live.nodes,
    rtc,
    cascade: () => cascade,
    recordings: (): RecordingService => recordings,
    log,
  });
  const cascade =
    config.node.channelNodeCap > 0
      ? new Cascade({
        nodeId: config.node.id,
        sites: live.sites,
        peers: actions.cascadePeers(),
        network: media.network,
        watch: rtc.mediaWatch,
        room: (appId, channel) => rtc.room(appId, channel),
        events,
        log,
      })
      : undefined;
  const channelStates = new ChannelStateCache(live.generations);
  const recordings: RecordingService = new RecordingService({
    db: store.db,
    recordingsChanged: (appId) => channelStates.changed(appId),
    rtc,
    homes: cluster.homes,
    actions,
    events,
    outbox,
    tools: new MediaTools(config.recording),
    cipher: new CertificateCipher(config.auth.secretKey),
    config: { ...config.recording, dataDir: config.store.dataDir, nodeId: config.node.id },
    log,
    channelDefaults: async (appId, channel) => {
      const row = await findChannel(store.db, appId, channel);
      return row?.recording_channel_type != null && row.recording_stream_types != null
        ? { channelType: row.recording_channel_type, streamTypes: row.recording_stream_types }
        : undefined;
    },
  });
  return {
    store,
    media,
    cluster,
    actions,
    cascade,
    storeWrites: new WriteProbe(store.db, config.node.id, () => sessions.retryWritesNow()),
    events,
    live,
    projects,
    channels: new ChannelService(store.db, rtc, actions, bans, channelStates, (appId, channel) => recordings.channelRecording(appId, channel)),
    tokens,
    bans,
    rtc,
    sessions,
    usage: new UsageService(store.db),
    webhooks,
    webhookWorker: webhookWorker(store, webhooks, config.webhooks, config.node.id, log),
    kickingRules: new KickingRuleService(bans, actions),
    recordings,
    authFailures: new AuthFailureBudget(live.rateCounter, { perIp: config.auth.failuresPerIp, perCustomerId: config.auth.failuresPerCustomerId }),
    console: new ConsoleService(store.db, live.rateCounter),
  };
}

/** What the SFU carries, for the heartbeat. All media shares one UDP port by default, so ports are not counted. */
function carriedLoad(rtc: RtcService): CarriedLoad {
  const load = rtc.load();
  return { participants: load.participants, rooms: load.rooms, forwardedStreams: load.forwarded.audio + load.forwarded.video, freePorts: null };
}

function webhookWorker(
  store: Store,
  webhooks: WebhookService,
  config: Pick<WebhooksConfig, 'retryHours' | 'retryBaseMs'>,
  nodeId: string,
  log: Logger,
): DeliveryWorker {
  const worker = new DeliveryWorker({
    db: store.db,
    lockRows: store.kind === 'postgres',
    nodeId,
    policy: webhooks.policy,
    openSecret: (sealed) => webhooks.openSecret(sealed),
    log,
    retryHorizonMs: config.retryHours * 3_600_000,
    retryBaseMs: config.retryBaseMs,
  });
  webhooks.onWake(() => worker.wake());
  return worker;
}
