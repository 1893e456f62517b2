/**
 * PARLEY_TRUSTED_PROXIES: behind a trusted reverse proxy, the limits counted per client address
 * (failed-authentication budget, signaling sessions per address) count the address the proxy
 * forwards, and the console's cookie is Secure when the proxy says X-Forwarded-Proto: https; from
 * any other peer, forged X-Forwarded-* headers change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call, startTestServer, withinOneMinuteWindow, type TestServer } from '../support/server.ts';

const BUDGET = 3;
const [memory] = BACKENDS;

/** Signs the first owner in with a cookie session, telling the server the client used https: is the cookie Secure? */
async function cookieSecureWhenForwardedHttps(t: TestServer): Promise<boolean> {
  const owner = t.server.firstRun!.consoleOwner;
  const answer = await call(t.url, 'POST', '/v1/console/sessions', { body: { email: owner.email, password: owner.password }, headers: { 'x-forwarded-proto': 'https' } });
  expect(answer.status).toBe(200);
  return /;\s*Secure/i.test(answer.headers.get('set-cookie') ?? '');
}

/** `count` wrong secrets, each forwarded for `from`: the statuses answered. */
async function failFrom(t: TestServer, project: CreatedProject, from: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: basic(project.customerId, 'f'.repeat(32)), headers: { 'x-forwarded-for': from } });
    statuses.push(answer.status);
  }
  return statuses;
}

describe('behind a trusted proxy (PARLEY_TRUSTED_PROXIES=127.0.0.1)', () => {
  let t: TestServer;
  let project: CreatedProject;
  beforeAll(async () => {
    t = await startTestServer(memory!, { PARLEY_TRUSTED_PROXIES: '127.0.0.1', PARLEY_AUTH_FAILURES_PER_IP: String(BUDGET), PARLEY_RTC_MAX_SESSIONS_PER_IP: '1' }, { bootstrap: true });
    project = await t.createProject('enterprise');
  });
  afterAll(() => t.stop());

  it('counts each forwarded client address on its own', async () => {
    await withinOneMinuteWindow();
    expect(await failFrom(t, project, '198.18.0.1', BUDGET + 1)).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy still has its whole budget.
    expect(await failFrom(t, project, '198.18.0.2', 1)).toEqual([401]);
    const right = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: basic(project.customerId, project.customerSecret!), headers: { 'x-forwarded-for': '198.18.0.2' } });
    expect(right.status).toBe(200);
  });

  it("makes the console's cookie Secure when the proxy forwards an https request", async () => {
    expect(await cookieSecureWhenForwardedHttps(t)).toBe(true);
  });

  it('caps signaling sessions per forwarded address on the WebSocket upgrade', async () => {
    const sockets: RawSignalingSocket[] = [];
    const join = async (uid: number, from: string) => {
      const socket = await RawSignalingSocket.open(t.url, { headers: { 'x-forwarded-for': from } });
      sockets.push(socket);
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'proxied', uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
      return socket.request({ type: 'join', appId: project.appId, channel: 'proxied', uid, token, platform: 'test' });
    };
    try {
      expect(await join(1, '198.18.0.1')).toMatchObject({ type: 'joined' });
      expect(await join(2, '198.18.0.1')).toMatchObject({ type: 'error', code: 'too_many_sessions' });
      expect(await join(3, '198.18.0.3')).toMatchObject({ type: 'joined' });
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});

describe('with no trusted proxy (the default)', () => {
  let t: TestServer;
  let project: CreatedProject;
  beforeAll(async () => {
    t = await startTestServer(memory!, { PARLEY_AUTH_FAILURES_PER_IP: String(BUDGET) }, { bootstrap: true });
    project = await t.createProject('enterprise');
  });
  afterAll(() => t.stop());

  it('ignores a forged X-Forwarded-For: every request counts against the peer address', async () => {
    await withinOneMinuteWindow();
    expect(await failFrom(t, project, '198.18.0.1', BUDGET)).toEqual([401, 401, 401]);
    expect(await failFrom(t, project, '198.18.0.2', 1)).toEqual([429]);
  });

  it('ignores a forged X-Forwarded-Proto: the cookie over plain HTTP is not Secure', async () => {
    expect(await cookieSecureWhenForwardedHttps(t)).toBe(false);
  });
});
