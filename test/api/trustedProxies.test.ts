/**
 * PARLEY_TRUSTED_PROXIES: behind a trusted reverse proxy, the limits counted per client address
 * (failed-authentication budget, signaling sessions per address) count the address the proxy
 * forwards; from any other peer, a forged X-Forwarded-For changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call, startTestServer, withinOneMinuteWindow, type TestServer } from '../support/server.ts';

const BUDGET = 3;
const [memory] = BACKENDS;

/** `count` wrong secrets, each forwarded for `from`: the statuses answered. */
async function failFrom(t: TestServer, project: CreatedProject, from: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: basic(project.customerId, 'f'.repeat(32)), headers: { 'x-forwarded-for': from } });
    statuses.push(answer.status);
  }
  return statuses;
}

describe('failed-authentication budget behind a trusted proxy (PARLEY_TRUSTED_PROXIES=127.0.0.1)', () => {
  let t: TestServer;
  let project: CreatedProject;
  beforeAll(async () => {
    t = await startTestServer(memory!, { PARLEY_TRUSTED_PROXIES: '127.0.0.1', PARLEY_AUTH_FAILURES_PER_IP: String(BUDGET), PARLEY_RTC_MAX_SESSIONS_PER_IP: '1' });
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

describe('failed-authentication budget with no trusted proxy (the default)', () => {
  let t: TestServer;
  let project: CreatedProject;
  beforeAll(async () => {
    t = await startTestServer(memory!, { PARLEY_AUTH_FAILURES_PER_IP: String(BUDGET) });
    project = await t.createProject('enterprise');
  });
  afterAll(() => t.stop());

  it('ignores a forged X-Forwarded-For: every request counts against the peer address', async () => {
    await withinOneMinuteWindow();
    expect(await failFrom(t, project, '198.18.0.1', BUDGET)).toEqual([401, 401, 401]);
    expect(await failFrom(t, project, '198.18.0.2', 1)).toEqual([429]);
  });
});
