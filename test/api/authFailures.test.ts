/**
 * Failed authentication has a budget per client IP and per Customer ID, on the v1 API and on
 * Agora's routes: past it, 429 with Retry-After (the right secret included, so a guess past the
 * budget is never confirmed), in the envelope of the route family.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, withinOneMinuteWindow, type ApiResponse, type TestServer } from '../support/server.ts';
import type { CreatedProject } from '@parley/server';

async function sequential(count: number, send: () => Promise<ApiResponse>): Promise<ApiResponse[]> {
  const results: ApiResponse[] = [];
  for (let i = 0; i < count; i += 1) results.push(await send());
  return results;
}

function expectRetryAfter(res: ApiResponse): void {
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe.each(BACKENDS)('failed authentication on $name', (backend) => {
  describe('per client IP (default budget: 30 a minute)', () => {
    let t: TestServer;
    let project: CreatedProject;
    beforeAll(async () => {
      t = await startTestServer(backend);
      project = await t.createProject('enterprise');
    });
    afterAll(() => t.stop());

    it('answers 30 wrong secrets 401, then 429 with Retry-After, even for the right secret', async () => {
      await withinOneMinuteWindow();
      const url = `/v1/projects/${project.appId}/channels`;
      const wrong = basic(project.customerId, 'f'.repeat(32));
      const answers = await sequential(30, () => call(t.url, 'GET', url, { auth: wrong }));
      expect(answers.map((r) => r.status)).toEqual(Array(30).fill(401));

      const past = await call(t.url, 'GET', url, { auth: wrong });
      expect(past.status).toBe(429);
      expect(past.body).toMatchObject({ code: 429, message: 'Rate limit exceeded', details: { field: 'Authorization' } });
      expect(past.body.details.reason).toMatch(/failed/i);
      expect(JSON.stringify(past.body)).not.toContain('f'.repeat(32));
      expectRetryAfter(past);

      const right = await call(t.url, 'GET', url, { auth: basic(project.customerId, project.customerSecret!) });
      expect(right.status).toBe(429);
      // Agora's routes share the budget and answer as Agora's gateway does.
      const agora = await call(t.url, 'GET', `/dev/v1/channel/${project.appId}`, { auth: basic(project.customerId, project.customerSecret!) });
      expect(agora.status).toBe(429);
      expect(agora.body).toEqual({ message: 'API rate limit exceeded' });
      expectRetryAfter(agora);
      const recording = await call(t.url, 'POST', `/v1/apps/${project.appId}/cloud_recording/acquire`, {
        auth: basic(project.customerId, project.customerSecret!),
        body: { cname: 'room', uid: '1', clientRequest: {} },
      });
      expect(recording.status).toBe(429);
      expect(recording.body).toEqual({ message: 'API rate limit exceeded' });
    });
  });

  describe('odd Customer IDs', () => {
    let t: TestServer;
    let project: CreatedProject;
    beforeAll(async () => {
      t = await startTestServer(backend);
      project = await t.createProject('enterprise');
    });
    afterAll(() => t.stop());

    it.each([
      ['a NUL byte', 'a\u0000b'],
      ['a lone surrogate', '\ud800'],
      ['8 KB', 'c'.repeat(6000)],
    ])('answers a Customer ID with %s 401, never 500, on v1 and Agora routes', async (_label, customerId) => {
      const v1 = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: basic(customerId, 'x') });
      expect(v1.status).toBe(401);
      expect(v1.body.code).toBe(401);
      const agora = await call(t.url, 'GET', `/dev/v1/channel/${project.appId}`, { auth: basic(customerId, 'x') });
      expect(agora.status).toBe(401);
      expect(agora.body).toEqual({ message: 'Invalid authentication credentials' });
    });
  });

  describe('per Customer ID and for tokens', () => {
    let t: TestServer;
    let project: CreatedProject;
    let other: CreatedProject;
    beforeAll(async () => {
      // A high IP budget isolates the Customer ID budget (every test request comes from 127.0.0.1).
      t = await startTestServer(backend, { PARLEY_AUTH_FAILURES_PER_IP: '1000', PARLEY_AUTH_FAILURES_PER_CUSTOMER_ID: '12' });
      project = await t.createProject('enterprise');
      other = await t.createProject('enterprise');
    });
    afterAll(() => t.stop());

    it('limits failures per Customer ID across v1 and Agora routes, never the right secret; other accounts are not affected', async () => {
      await withinOneMinuteWindow();
      const wrong = basic(project.customerId, 'e'.repeat(32));
      const v1 = await sequential(6, () => call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: wrong }));
      const dev = await sequential(6, () => call(t.url, 'GET', `/dev/v1/channel/${project.appId}`, { auth: wrong }));
      expect([...v1, ...dev].map((r) => r.status)).toEqual(Array(12).fill(401));
      const past = await call(t.url, 'GET', `/dev/v1/channel/${project.appId}`, { auth: wrong });
      expect(past.status).toBe(429);
      expect(past.body).toEqual({ message: 'API rate limit exceeded' });
      expectRetryAfter(past);
      const pastV1 = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: wrong });
      expect(pastV1.status).toBe(429);
      expect(pastV1.body.code).toBe(429);
      // The right secret still works: whoever knows a Customer ID cannot lock its backend out.
      const right = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: basic(project.customerId, project.customerSecret!) });
      expect(right.status).toBe(200);
      const rightAgora = await call(t.url, 'GET', `/dev/v1/channel/${project.appId}`, { auth: basic(project.customerId, project.customerSecret!) });
      expect(rightAgora.status).toBe(200);

      const unaffected = await call(t.url, 'GET', `/v1/projects/${other.appId}/channels`, { auth: basic(other.customerId, other.customerSecret!) });
      expect(unaffected.status).toBe(200);
    });

    it('counts bad Bearer tokens against the client IP', async () => {
      await withinOneMinuteWindow();
      const limited = await startTestServer(backend, { PARLEY_AUTH_FAILURES_PER_IP: '5' });
      try {
        const p = await limited.createProject('enterprise');
        const forged = buildRtcToken({ appId: p.appId, appCertificate: 'f'.repeat(32), channel: 'room', uid: 1, role: 'subscriber', tokenExpireSeconds: 600 });
        const url = `/v1/projects/${p.appId}/channels/room`;
        const answers = await sequential(5, () => call(limited.url, 'GET', url, { auth: `Bearer ${forged}` }));
        expect(answers.map((r) => r.status)).toEqual(Array(5).fill(401));
        const past = await call(limited.url, 'GET', url, { auth: `agora token=${forged}` });
        expect(past.status).toBe(429);
        expectRetryAfter(past);
      } finally {
        await limited.stop();
      }
    });
  });
});
