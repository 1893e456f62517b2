/**
 * One webhook POST: to the address the SSRF check approved (the URL's host still names the site
 * in `Host` and for TLS), with a hard time limit, no redirects followed, and the answer's body
 * read only so far as to free the connection.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { DeliveryTarget } from '../net/addressPolicy.ts';

export interface SendResult {
  ok: boolean;
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  latencyMs: number;
  error: string | null;
  /** The start of the answer's body as text (RESPONSE_BODY_KEPT bytes at most), for the delivery log; null without an answer. */
  responseBody: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  agents?: { http: http.Agent; https: https.Agent };
}

const MAX_ANSWER_BYTES = 64 * 1024;
/** Enough of an answer to see why a receiver refused ("invalid signature"), not a copy of its pages. */
export const RESPONSE_BODY_KEPT = 2048;
const USER_AGENT = 'Parley-Webhooks/1';

/** Keep-alive agents (Agora recommends keep-alive to receivers); pooled sockets are keyed by the checked address. */
export function createAgents(): { http: http.Agent; https: https.Agent } {
  return { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new https.Agent({ keepAlive: true, maxSockets: 8 }) };
}

function describeError(error: Error & { code?: string }): string {
  return error.message || error.code || 'request failed';
}

export function postNotice(target: DeliveryTarget, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  const { url } = target;
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const request = (secure ? https : http).request({
      host: target.address,
      family: target.family,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        host: url.host,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': USER_AGENT,
        ...headers,
      },
      ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
      // Certificates are checked against the URL's host name, not the address connected to.
      ...(secure && net.isIP(hostname) === 0 ? { servername: hostname } : {}),
      ...(options.agents ? { agent: secure ? options.agents.https : options.agents.http } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      let received = 0;
      const kept: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        if (received < RESPONSE_BODY_KEPT) kept.push(chunk.subarray(0, RESPONSE_BODY_KEPT - received));
        received += chunk.length;
        if (received > MAX_ANSWER_BYTES) response.destroy();
      });
      const done = () =>
        finish({
          ok: status >= 200 && status < 300,
          status,
          // A multi-byte character cut at the limit decodes as U+FFFD, which is honest about the cut.
          responseBody: Buffer.concat(kept).toString('utf8'),
          error: status >= 200 && status < 300 ? null : `answered HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
        });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.on('error', (error) => finish({ ok: false, status: null, error: describeError(error), responseBody: null }));
    request.end(body);
  });
}
