/**
 * TURN credentials in signaling: with PARLEY_TURN_URLS and PARLEY_TURN_SECRET set, `joined`,
 * `resumed` and `token-renewed` each carry iceServers whose credential coturn would accept (the
 * TURN REST API scheme), freshly minted each time.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const URLS = ['turn:198.18.0.1:3478?transport=udp', 'turns:turn.example.com:443'];
const SECRET = 'coturn-static-auth-secret';
const TTL_SECONDS = 600;

describe('TURN credentials handed out by signaling', () => {
  let t: TestServer;
  let project: CreatedProject;
  const sockets: RawSignalingSocket[] = [];

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_TURN_URLS: URLS.join(','), PARLEY_TURN_SECRET: SECRET, PARLEY_TURN_TTL_SECONDS: String(TTL_SECONDS) });
    project = await t.createProject();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.close();
    await t?.stop();
  });

  const token = (channel: string, uid: string) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });

  async function socket(): Promise<RawSignalingSocket> {
    const opened = await RawSignalingSocket.open(t.url);
    sockets.push(opened);
    return opened;
  }

  /** Checks one iceServers list as coturn with `use-auth-secret` would, and returns its username. */
  function acceptedByCoturn(reply: any, sessionId: string): string {
    expect(reply.iceServers).toHaveLength(1);
    const [server] = reply.iceServers;
    expect(server.urls).toEqual(URLS);
    const [expiry, who] = server.username.split(':');
    expect(who).toBe(sessionId);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(TTL_SECONDS - 30);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(TTL_SECONDS);
    expect(server.credential).toBe(createHmac('sha1', SECRET).update(server.username).digest('base64'));
    return server.username;
  }

  it('joined, resumed and token-renewed carry credentials coturn accepts, minted for the session', async () => {
    const first = await socket();
    const joined: any = await first.request({ type: 'join', appId: project.appId, channel: 'turn-creds', uid: 'ann', token: token('turn-creds', 'ann'), platform: 'test' });
    expect(joined.type).toBe('joined');
    acceptedByCoturn(joined, joined.sessionId);

    const renewed: any = await first.request({ type: 'renew-token', token: token('turn-creds', 'ann') });
    expect(renewed.type).toBe('token-renewed');
    acceptedByCoturn(renewed, joined.sessionId);

    first.ws.terminate();
    await first.closed;
    const second = await socket();
    const resumed: any = await second.request({ type: 'resume', sessionId: joined.sessionId, resumeToken: joined.resumeToken });
    expect(resumed.type).toBe('resumed');
    acceptedByCoturn(resumed, joined.sessionId);
  });
});
