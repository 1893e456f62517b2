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
import type { Store } from './store/database.ts';
import { TokenService } from './tokens/service.ts';

export interface Services {
  store: Store;
  events: EventBus;
  live: LiveState;
  projects: ProjectService;
  channels: ChannelService;
  tokens: TokenService;
  bans: BanService;
  rtc: RtcService;
}

export function createServices(
  store: Store,
  live: LiveState,
  config: Pick<Config, 'secretKey' | 'tokenMaxLifetimeSeconds' | 'nodeId' | 'rtcAddress' | 'rtcPortMin' | 'rtcPortMax'>,
  log: EventBusLogger & RtcDeps['log'],
): Services {
  const projects = new ProjectService(store.db, config.secretKey);
  const events = new EventBus(log);
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
  };
}
