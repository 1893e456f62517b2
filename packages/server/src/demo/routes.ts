/**
 * `POST /call/token`: the demo call page's token source. Only in dev mode, and only for the demo
 * project made at first start: a stranger can never mint tokens for a real project here. It needs
 * no credentials, so each client address may mint 30 a minute (a person joins a few times).
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { ChannelName, Uid } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { enforce } from '../http/rateLimit.ts';
import type { Services } from '../services.ts';
import { normalizeIp } from '../net/clientAddress.ts';

const DemoTokenBody = Type.Object({ channel: ChannelName, uid: Uid }, { additionalProperties: false });
const DEMO_TOKEN_SECONDS = 3600;
const DEMO_TOKENS_PER_MINUTE = 30;

export function registerDemoRoutes(app: FastifyInstance, services: Services, options: { dev: boolean }): void {
  app.post('/call/token', { schema: { hide: true, body: DemoTokenBody } }, async (request, reply) => {
    if (!options.dev) throw new DomainError('forbidden', 'The demo call page mints tokens only when the server runs in dev mode (npm start)');
    const bucket = { key: `demo-token:${normalizeIp(request.ip)}`, limit: DEMO_TOKENS_PER_MINUTE, holder: 'The demo call page' };
    await enforce(services.live.rateCounter, bucket, reply);
    const appId = await services.projects.demoAppId();
    if (!appId) throw new DomainError('not_found', 'This server has no demo project', 'projectId');
    const body = request.body as { channel: string; uid: number | string };
    const created = await services.tokens.createToken(appId, { channel: body.channel, uid: body.uid, role: 'publisher', expireSeconds: DEMO_TOKEN_SECONDS });
    return { appId, token: created.token, uid: body.uid, expiresAt: created.expiresAt };
  });
}
