/**
 * What one webhook POST keeps of the answer: the start of its body as text for the delivery log
 * (2 KiB at most, whatever the receiver sends), a refusal's body too, and nothing without an answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postNotice, RESPONSE_BODY_KEPT } from './sender.ts';

describe('postNotice', () => {
  let server: http.Server;
  let port: number;
  let answer: { status: number; body: string } = { status: 200, body: 'ok' };

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (to = port) => postNotice({ url: new URL(`http://127.0.0.1:${to}/hooks`), address: '127.0.0.1', family: 4 }, '{"noticeId":"n"}', {}, { timeoutMs: 2_000 });

  it('keeps a short answer whole', async () => {
    answer = { status: 200, body: '{"received":true}' };
    expect(await post()).toMatchObject({ ok: true, status: 200, error: null, responseBody: '{"received":true}' });
  });

  it('keeps only the start of a long answer', async () => {
    answer = { status: 200, body: 'x'.repeat(50_000) };
    const result = await post();
    expect(result.responseBody).toBe('x'.repeat(RESPONSE_BODY_KEPT));
  });

  it('keeps a refusal\'s body, which says why', async () => {
    answer = { status: 401, body: 'invalid signature' };
    expect(await post()).toMatchObject({ ok: false, status: 401, error: 'answered HTTP 401', responseBody: 'invalid signature' });
  });

  it('has no body without an answer', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await post(unused)).toMatchObject({ ok: false, status: null, responseBody: null });
  });
});
