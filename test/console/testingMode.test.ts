/**
 * Testing mode from the console, against a real server on both backends: off by default, so a
 * join without a token is refused; the project's owner switches it on and tokenless joins are let
 * in (a token that is sent is still checked); switching it off ("enforce the certificate") ends
 * the tokenless sessions and refuses the next. Viewers and other accounts cannot switch it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { BACKENDS } from '../support/backends.ts';
import { startConsoleFixture, type ConsoleFixture, type SignedInUser } from '../support/consoleUsers.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';

describe.each(BACKENDS)('testing mode on $name', (backend) => {
  let fixture: ConsoleFixture;
  const sockets: RawSignalingSocket[] = [];
  beforeAll(async () => void (fixture = await startConsoleFixture(backend)));
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await fixture.t.stop();
  });

  /** A join on a socket of its own, with the token given or none at all. */
  async function join(channel: string, uid: number, token?: string) {
    const socket = await RawSignalingSocket.open(fixture.t.url);
    sockets.push(socket);
    return { socket, reply: await socket.request({ type: 'join', appId: fixture.project.appId, channel, uid, ...(token !== undefined ? { token } : {}), platform: 'test' }) };
  }
  const token = (channel: string, uid: number) =>
    buildRtcToken({ appId: fixture.project.appId, appCertificate: fixture.project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
  const setTestingMode = (who: SignedInUser, testingMode: unknown) => fixture.as(who, 'PATCH', `/v1/console/projects/${fixture.project.appId}`, { testingMode });
  const listed = async () =>
    ((await fixture.as(fixture.owner, 'GET', '/v1/console/projects')).body.data.projects as Array<{ appId: string; testingMode: boolean }>).find((p) => p.appId === fixture.project.appId);

  it('is off by default: the project view says so and a join without a token is refused with invalid_token', async () => {
    expect((await listed())?.testingMode).toBe(false);
    const { reply } = await join('room', 1);
    expect(reply).toMatchObject({ type: 'error', code: 'invalid_token', message: expect.stringContaining('requires a token') });
  });

  it('refuses viewers and other accounts, and answers bad input with a structured 400', async () => {
    expect((await setTestingMode(fixture.viewer, true)).status).toBe(403);
    const other = await fixture.t.createProject('pro');
    expect((await fixture.as(fixture.owner, 'PATCH', `/v1/console/projects/${other.appId}`, { testingMode: true })).status).toBe(404);
    for (const bad of ['yes', 1, null]) {
      const res = await setTestingMode(fixture.owner, bad);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, details: { field: 'testingMode', reason: expect.any(String) } });
    }
    expect((await listed())?.testingMode).toBe(false);
  });

  it('on: the owner switches it, tokenless joins get in with no expiry, and a bad token is still refused', async () => {
    const res = await setTestingMode(fixture.owner, true);
    expect(res.body).toMatchObject({ code: 200, message: 'success', data: { appId: fixture.project.appId, testingMode: true } });
    expect((await listed())?.testingMode).toBe(true);
    const { reply } = await join('room', 2);
    expect(reply).toMatchObject({ type: 'joined', uid: 2, tokenExpiresAt: 0 });
    expect((await join('room', 3, token('another room', 3))).reply).toMatchObject({ type: 'error', code: 'forbidden' });
    expect((await join('room', 3, '007eJxbad')).reply).toMatchObject({ type: 'error', code: 'invalid_token' });
    // The schema stays strict: only an absent token means "none"; an empty one is malformed.
    expect((await join('room', 4, '')).reply).toMatchObject({ type: 'error', code: expect.not.stringMatching(/^invalid_token$/) });
  });

  it('off again: tokenless sessions are ended with a reason, token sessions stay, and tokenless joins are refused', async () => {
    const tokenless = await join('call', 10);
    const withToken = await join('call', 11, token('call', 11));
    expect([tokenless.reply.type, withToken.reply.type]).toEqual(['joined', 'joined']);

    expect((await setTestingMode(fixture.owner, false)).body.data.testingMode).toBe(false);
    await tokenless.socket.waitFor((message) => message.type === 'kicked');
    expect(tokenless.socket.messages.find((message) => message.type === 'kicked')).toMatchObject({ message: expect.stringContaining('Testing mode was switched off') });
    await tokenless.socket.waitForClose(5_000);
    expect(withToken.socket.closeCode).toBeUndefined();
    expect((await join('call', 12)).reply).toMatchObject({ type: 'error', code: 'invalid_token' });
  });
});
