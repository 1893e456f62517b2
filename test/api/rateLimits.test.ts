/**
 * Plan rate limits over real HTTP, with both counter stores: exact under concurrency, headers on
 * every authenticated response, 429 with Retry-After beyond the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, withinOneMinuteWindow, type TestServer } from '../support/server.ts';

describe.each(BACKENDS)('rate limits on $name', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(() => t.stop());

  it('admits at most 100 of 140 parallel requests on a Starter account and answers the rest 429', async () => {
    const project = await t.createProject('starter');
    const auth = basic(project.customerId, project.customerSecret!);
    const url = `/v1/projects/${project.appId}/channels?limit=1`;
    await withinOneMinuteWindow();

    const results = await Promise.all(Array.from({ length: 140 }, () => call(t.url, 'GET', url, { auth })));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok.length).toBe(100);
    expect(limited.length).toBe(40);

    const remaining = ok.map((r) => Number(r.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i));

    const rejected = limited[0]!;
    expect(rejected.body).toMatchObject({ code: 429, message: 'Rate limit exceeded' });
    expect(rejected.body.details.reason).toMatch(/100 requests a minute/);
    expect(rejected.headers.get('x-ratelimit-limit')).toBe('100');
    expect(rejected.headers.get('x-ratelimit-remaining')).toBe('0');
    const retryAfter = Number(rejected.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const reset = Number(rejected.headers.get('x-ratelimit-reset'));
    expect(reset % 60).toBe(0);
    expect(reset * 1000).toBeGreaterThan(Date.now());
    expect(reset * 1000 - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it.each([
    ['pro', 500],
    ['enterprise', 1000],
  ] as const)('tells a %s account its limit of %d and counts down', async (plan, limit) => {
    const project = await t.createProject(plan);
    const auth = basic(project.customerId, project.customerSecret!);
    const first = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth });
    const second = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth });
    expect(first.headers.get('x-ratelimit-limit')).toBe(String(limit));
    const [a, b] = [Number(first.headers.get('x-ratelimit-remaining')), Number(second.headers.get('x-ratelimit-remaining'))];
    expect(b).toBe(a - 1);
  });

  it('counts per account: one busy account does not slow another', async () => {
    const busy = await t.createProject('starter');
    const calm = await t.createProject('starter');
    await Promise.all(
      Array.from({ length: 120 }, () => call(t.url, 'GET', `/v1/projects/${busy.appId}/channels`, { auth: basic(busy.customerId, busy.customerSecret!) })),
    );
    const res = await call(t.url, 'GET', `/v1/projects/${calm.appId}/channels`, { auth: basic(calm.customerId, calm.customerSecret!) });
    expect(res.status).toBe(200);
  });

  it('counts access-token requests per project and uid, apart from the account: end users cannot lock the backend out', async () => {
    const project = await t.createProject('starter');
    const auth = basic(project.customerId, project.customerSecret!);
    // The channel's creation counts in the backend's bucket below: it must fall in the same minute.
    await withinOneMinuteWindow();
    await call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'lobby' } });
    const tokenFor = (uid: number) =>
      `Bearer ${buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'lobby', uid, role: 'subscriber', tokenExpireSeconds: 600 })}`;
    const url = `/v1/projects/${project.appId}/channels/lobby`;

    const greedy = tokenFor(7);
    const results = await Promise.all(Array.from({ length: 110 }, () => call(t.url, 'GET', url, { auth: greedy })));
    expect(results.filter((r) => r.status === 200).length).toBe(100);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.body.details.reason).toMatch(/uid 7/);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // The customer's backend still has its whole minute, and another end user has their own bucket.
    const backend = await call(t.url, 'GET', url, { auth });
    expect(backend.status).toBe(200);
    // 100 less the channel's creation and this call: none of the 110 token requests counted here.
    expect(backend.headers.get('x-ratelimit-remaining')).toBe('98');
    const neighbour = await call(t.url, 'GET', url, { auth: tokenFor(8) });
    expect(neighbour.status).toBe(200);
    expect(neighbour.headers.get('x-ratelimit-remaining')).toBe('99');
  });

  it('puts the headers on authenticated error responses too', async () => {
    const project = await t.createProject('pro');
    const res = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/missing`, { auth: basic(project.customerId, project.customerSecret!) });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ratelimit-limit')).toBe('500');
  });
});
