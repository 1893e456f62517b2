/**
 * The domain services of one server, wired to its store and live state.
 */
import { BanService } from './bans/service.ts';
import { ChannelService } from './channels/service.ts';
import type { Config } from './config.ts';
import { EventBus, type EventBusLogger } from './events/bus.ts';
import type { LiveState } from './live/index.ts';
import { ProjectService } from './projects/service.ts';
import { RtcService, type RtcDeps } from './rtc/service.ts';
import { SessionService, type SessionLogger } from './sessions/service.ts';
import { subscribeSessions } from './sessions/subscribe.ts';
import type { Store } from './store/database.ts';
import { TokenService } from './tokens/service.ts';
import { UsageService } from './usage/service.ts';

export interface Services {
  store: Store;
  events: EventBus;
  live: LiveState;
  projects: ProjectService;
  channels: ChannelService;
  tokens: TokenService;
  bans: BanService;
  rtc: RtcService;
  sessions: SessionService;
  usage: UsageService;
}

export function createServices(
  store: Store,
  live: LiveState,
  config: Pick<Config, 'secretKey' | 'tokenMaxLifetimeSeconds' | 'nodeId' | 'rtcAddress' | 'rtcPortMin' | 'rtcPortMax'>,
  log: EventBusLogger & RtcDeps['log'] & SessionLogger,
): Services {
  const projects = new ProjectService(store.db, config.secretKey);
  const events = new EventBus(log);
  const sessions = new SessionService(store.db, config.nodeId, log);
  // Subscribed before anything can publish, so no join or leave goes unrecorded.
  subscribeSessions(events, sessions);
  const tokens = new TokenService(projects, config.tokenMaxLifetimeSeconds);
  const bans = new BanService(store.db);
  const rtc = new RtcService({
    tokens,
    bans,
    events,
    directory: live.participants,
    network: { address: config.rtcAddress, portMin: config.rtcPortMin, portMax: config.rtcPortMax },
    nodeId: config.nodeId,
    log,
  });
  return {
    store,
    events,
    live,
    projects,
    channels: new ChannelService(store.db, rtc, bans),
    tokens,
    bans,
    rtc,
    sessions,
    usage: new UsageService(store.db),
  };
}
