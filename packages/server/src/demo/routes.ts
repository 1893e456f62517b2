/**
 * `POST /call/token`: the demo call page's token source. Only in dev mode, and only for the demo
 * project made at first start: a stranger can never mint tokens for a real project here. It needs
 * no credentials, so the request guard gives each client address 30 a minute (a person joins a
 * few times).
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { ChannelName, Uid } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { perAddressRatePolicy } from '../http/guard/buckets.ts';
import { installGuard, type GuardDeps } from '../http/guard/guard.ts';
import { V1_REFUSALS } from '../http/v1Policy.ts';
import type { Services } from '../services.ts';

const DemoTokenBody = Type.Object({ channel: ChannelName, uid: Uid }, { additionalProperties: false });
const DEMO_TOKEN_SECONDS = 3600;
const DEMO_TOKENS_PER_MINUTE = 30;
const ROUTE = { schema: { hide: true, body: DemoTokenBody } };

export async function registerDemoRoutes(app: FastifyInstance, services: Services, deps: GuardDeps, options: { dev: boolean }): Promise<void> {
  if (!options.dev) {
    app.post('/call/token', ROUTE, async () => {
      throw new DomainError('forbidden', 'The demo call page mints tokens only when the server runs in dev mode (npm start)');
    });
    return;
  }
  await app.register(async (demo) => {
    installGuard(demo, { authenticators: [], rate: perAddressRatePolicy('demo-token', DEMO_TOKENS_PER_MINUTE, 'The demo call page'), refusals: V1_REFUSALS }, deps);
    demo.post('/call/token', ROUTE, async (request) => {
      const appId = await services.projects.demoAppId();
      if (!appId) throw new DomainError('not_found', 'This server has no demo project', 'projectId');
      const body = request.body as { channel: string; uid: number | string };
      const created = await services.tokens.createToken(appId, { channel: body.channel, uid: body.uid, role: 'publisher', expireSeconds: DEMO_TOKEN_SECONDS });
      return { appId, token: created.token, uid: body.uid, expiresAt: created.expiresAt };
    });
  });
}
