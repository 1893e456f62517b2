/**
 * The webhook receivers of examples/webhook-receivers (Node.js and Python), run as their README
 * says against a real Parley server: a webhook is registered for each, a user joins a channel over
 * signaling, and each receiver must accept Parley's signed notices of it and refuse the same
 * notices once tampered with. A relay between Parley and each receiver keeps the exact bytes and
 * headers Parley sent, so the tampered copies differ from a genuine delivery in one thing only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildRtcToken } from '@parley/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/waitUntil.ts';
import { FAST_WEBHOOK_RETRIES } from '../support/webhookReceiver.ts';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples/webhook-receivers');
const RECEIVERS = [
  { name: 'Node.js', command: process.execPath, script: path.join(EXAMPLES, 'node/receiver.mjs') },
  { name: 'Python', command: 'python3', script: path.join(EXAMPLES, 'python/receiver.py') },
];

interface Delivery {
  headers: Record<string, string>;
  body: Buffer;
  /** What the receiver answered. */
  status: number;
}

/** Forwards each POST to the receiver unchanged and keeps what Parley sent and what came back. */
class Relay {
  readonly deliveries: Delivery[] = [];
  target = '';
  #server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => /^(agora-|content-type)/.test(name))) as Record<string, string>;
      const body = Buffer.concat(chunks);
      const answer = await send(this.target, headers, body);
      this.deliveries.push({ headers, body, status: answer.status });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.text);
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/parley-webhooks`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

async function send(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: response.status, text: await response.text() };
}

/** A receiver started as its README says; resolves once it printed the address it listens on. */
interface RunningReceiver {
  url: string;
  output: string[];
  process: ChildProcess;
}

function startReceiver(command: string, script: string, secret: string): Promise<RunningReceiver> {
  const child = spawn(command, [script], { env: { ...process.env, PARLEY_WEBHOOK_SECRET: secret, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${output.join('\n')}`)), 10_000);
    const collect = (data: Buffer) => {
      for (const line of String(data).split('\n').filter(Boolean)) {
        output.push(line);
        const listening = /^listening on (http:\/\/\S+)$/.exec(line);
        if (listening?.[1]) {
          clearTimeout(timer);
          resolve({ url: listening[1], output, process: child });
        }
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output.join('\n')}`)));
  });
}

describe('webhook receivers of examples/webhook-receivers, against a real server', () => {
  let t: TestServer;
  let auth: string;
  let appId: string;
  const running = new Map<string, { relay: Relay; receiver: RunningReceiver; webhookId: string; secret: string }>();
  let socket: RawSignalingSocket | undefined;

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, FAST_WEBHOOK_RETRIES);
    const project = await t.createProject();
    auth = basic(project.customerId, project.customerSecret!);
    appId = project.appId;
    for (const { name, command, script } of RECEIVERS) {
      const relay = new Relay();
      const created = await call(t.url, 'POST', `/v1/projects/${appId}/webhooks`, { auth, body: { url: await relay.listen(), events: ['channel.created', 'participant.joined'] } });
      expect(created.status).toBe(200);
      const { webhookId, secret } = created.body.data as { webhookId: string; secret: string };
      const receiver = await startReceiver(command, script, secret);
      relay.target = receiver.url;
      running.set(name, { relay, receiver, webhookId, secret });
    }
    // The event: a user joins a channel, which creates it (101) and is a join (107).
    socket = await RawSignalingSocket.open(t.url);
    const token = buildRtcToken({ appId, appCertificate: project.appCertificate, channel: 'standup', uid: 42, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
    expect(await socket.request({ type: 'join', appId, channel: 'standup', uid: 42, token, platform: 'web' })).toMatchObject({ type: 'joined' });
  });

  afterAll(async () => {
    socket?.ws.close();
    for (const { relay, receiver } of running.values()) {
      receiver.process.kill();
      await relay.close();
    }
    await t?.stop();
  });

  for (const { name } of RECEIVERS) {
    describe(name, () => {
      const eventTypes = (deliveries: Delivery[]) => deliveries.map((d) => (JSON.parse(String(d.body)) as { eventType: number }).eventType).sort();

      it('accepts the signed notices Parley delivers, and Parley records them delivered', async () => {
        const { relay, receiver, webhookId } = running.get(name)!;
        await waitUntil(() => relay.deliveries.length >= 2, 'both notices to reach the receiver', { timeoutMs: 15_000 });
        expect(eventTypes(relay.deliveries)).toEqual([101, 107]);
        expect(relay.deliveries.map((d) => d.status)).toEqual([200, 200]);
        // The receiver prints before it answers, but its output comes through a pipe: wait for it.
        const noticeIds = relay.deliveries.map((d) => (JSON.parse(String(d.body)) as { noticeId: string }).noticeId);
        await waitUntil(() => noticeIds.every((id) => receiver.output.some((line) => line.startsWith(`accepted ${id} `))), 'the receiver to log both notices accepted');
        const states = async () => {
          const listed = await call(t.url, 'GET', `/v1/projects/${appId}/webhooks/${webhookId}/deliveries`, { auth });
          return (listed.body.data.deliveries as Array<{ state: string; lastStatus: number }>).map((d) => [d.state, d.lastStatus]);
        };
        await waitUntil(async () => (await states()).every(([state]) => state === 'delivered'), 'Parley to record both deliveries');
        expect(await states()).toEqual([['delivered', 200], ['delivered', 200]]);
      });

      it('rejects a delivered notice whose body was changed, or whose signature is not made with its secret', async () => {
        const { relay, receiver } = running.get(name)!;
        await waitUntil(() => relay.deliveries.length >= 1, 'a notice to reach the receiver', { timeoutMs: 15_000 });
        const genuine = relay.deliveries[0]!;
        const tamperedBody = Buffer.from(String(genuine.body).replace('"standup"', '"standup2"'));
        expect(tamperedBody.equals(genuine.body)).toBe(false);
        expect((await send(receiver.url, genuine.headers, tamperedBody)).status).toBe(401);

        const otherSecret = createHmac('sha256', 'not-the-secret').update(genuine.body).digest('hex');
        expect((await send(receiver.url, { ...genuine.headers, 'agora-signature-v2': otherSecret }, genuine.body)).status).toBe(401);
        const { 'agora-signature-v2': _dropped, ...unsigned } = genuine.headers;
        expect((await send(receiver.url, unsigned, genuine.body)).status).toBe(401);
        const rejected = () => receiver.output.filter((line) => line.startsWith('rejected')).length;
        await waitUntil(() => rejected() >= 3, 'the receiver to log three rejections');
        expect(rejected()).toBe(3);

        // The genuine bytes again (a redelivery) are accepted and not handled twice.
        const { noticeId } = JSON.parse(String(genuine.body)) as { noticeId: string };
        expect((await send(receiver.url, genuine.headers, genuine.body)).status).toBe(200);
        await waitUntil(() => receiver.output.includes(`duplicate ${noticeId}`), 'the receiver to log the redelivery as a duplicate');
        expect(receiver.output.filter((line) => line.startsWith(`accepted ${noticeId} `))).toHaveLength(1);
      });
    });
  }
});
