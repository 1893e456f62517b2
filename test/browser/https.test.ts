/**
 * What TLS is for: a browser reaching Parley by a name other than localhost gets camera and
 * microphone only over HTTPS. Chromium resolves parley.test to 127.0.0.1 and trusts exactly the
 * server's self-signed certificate; the page is a secure context, getUserMedia works, and the
 * signaling WebSocket opens over wss and answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { selfSigned, spkiHash } from '../support/selfSigned.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';

describe('a browser on HTTPS by a host name', () => {
  let dir: string;
  let t: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-https-'));
    const certificate = await selfSigned(dir, 'parley.test', ['DNS:parley.test']);
    t = await startTestServer(BACKENDS[0]!, { PARLEY_TLS_CERT: certificate.certFile, PARLEY_TLS_KEY: certificate.keyFile });
    browser = await launchChromium({ extraArgs: ['--host-resolver-rules=MAP parley.test 127.0.0.1', `--ignore-certificate-errors-spki-list=${spkiHash(certificate.cert)}`] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is a secure context with camera and microphone, and signals over wss', async () => {
    const origin = t.url.replace('127.0.0.1', 'parley.test');
    expect(origin).toMatch(/^https:\/\/parley\.test:\d+$/);
    const page = await browser.context.newPage();
    expect((await page.goto(`${origin}/healthz`))?.status()).toBe(200);
    const seen = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const kinds = stream.getTracks().map((track) => track.kind).sort();
      for (const track of stream.getTracks()) track.stop();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = new WebSocket(`wss://${location.host}/v1/rtc`);
        socket.onopen = () => socket.send(JSON.stringify({ type: 'join', requestId: 'r1', appId: 'f'.repeat(32), channel: 'https', uid: 1, token: 'not-a-token', platform: 'test' }));
        socket.onmessage = (event) => {
          resolve(String(event.data));
          socket.close();
        };
        socket.onerror = () => reject(new Error('the WebSocket failed'));
      });
      return { secure: isSecureContext, kinds, answer: JSON.parse(answer) };
    });
    expect(seen.secure).toBe(true);
    expect(seen.kinds).toEqual(['audio', 'video']);
    expect(seen.answer).toMatchObject({ type: 'error', requestId: 'r1', code: expect.any(String) });
    await page.close();
  });
});
