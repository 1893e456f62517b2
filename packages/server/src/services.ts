/**
 * The domain services of one server, wired to its store and live state.
 */
import { ChannelService } from './channels/service.ts';
import type { Config } from './config.ts';
import type { LiveState } from './live/index.ts';
import { ProjectService } from './projects/service.ts';
import type { Store } from './store/database.ts';
import { TokenService } from './tokens/service.ts';

export interface Services {
  store: Store;
  live: LiveState;
  projects: ProjectService;
  channels: ChannelService;
  tokens: TokenService;
}

export function createServices(store: Store, live: LiveState, config: Pick<Config, 'secretKey' | 'tokenMaxLifetimeSeconds'>): Services {
  const projects = new ProjectService(store.db, config.secretKey);
  return {
    store,
    live,
    projects,
    channels: new ChannelService(store.db),
    tokens: new TokenService(projects, config.tokenMaxLifetimeSeconds),
  };
}
