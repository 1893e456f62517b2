/**
 * A server with one project and the means to put native WebRTC bots in its channels: what every
 * call test starts from. `close()` ends the bots, then the server.
 */
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from './backends.ts';
import { basic, startTestServer, type TestServer } from './server.ts';
import { BotClient } from './wrtcClient.ts';

export type TokenRole = 'publisher' | 'subscriber';

export interface CallFixture {
  t: TestServer;
  project: CreatedProject;
  /** Basic credentials of the project's account. */
  auth: string;
  token(channel: string, uid: number | string, options?: { role?: TokenRole; seconds?: number }): string;
  joinBot(channel: string, uid: number | string, options?: { role?: TokenRole; seconds?: number }): Promise<BotClient>;
  /** Bots made outside `joinBot` (resumed sessions) that `close()` must end too. */
  track(bot: BotClient): BotClient;
  close(): Promise<void>;
}

export async function startCallFixture(): Promise<CallFixture> {
  const t = await startTestServer(BACKENDS[0]!);
  const project = await t.createProject('enterprise');
  const bots: BotClient[] = [];
  const token: CallFixture['token'] = (channel, uid, { role = 'publisher', seconds = 600 } = {}) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role, tokenExpireSeconds: seconds, privilegeExpireSeconds: seconds });
  const track = (bot: BotClient) => {
    bots.push(bot);
    return bot;
  };
  return {
    t,
    project,
    auth: basic(project.customerId, project.customerSecret!),
    token,
    track,
    joinBot: async (channel, uid, options) => track(await BotClient.join({ url: t.url, appId: project.appId, channel, uid, token: token(channel, uid, options) })),
    async close() {
      await Promise.all(bots.map((bot) => bot.close()));
      await t.stop();
    },
  };
}
