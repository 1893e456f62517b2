import { describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { ProjectStatus } from '../projects/service.ts';
import { TokenService } from './service.ts';

const APP_ID = '0123456789abcdef0123456789abcdef';
const CERTIFICATE = 'fedcba9876543210fedcba9876543210';
const SECONDARY = '00112233445566778899aabbccddeeff';

function service(status: ProjectStatus, certificates = [CERTIFICATE]): TokenService {
  return new TokenService(
    {
      findCertificate: async (appId) => (appId === APP_ID ? certificates[0] : undefined),
      findCertificates: async (appId) => (appId === APP_ID ? certificates : undefined),
      findProject: async (appId) => (appId === APP_ID ? { appId, accountId: 'a', name: 'p', status, testingMode: false } : undefined),
    },
    86_400,
  );
}

describe('token service', () => {
  const token = buildRtcToken({ appId: APP_ID, appCertificate: CERTIFICATE, channel: 'room', uid: 5, role: 'publisher', tokenExpireSeconds: 600 });

  it('accepts a good token of an active project', async () => {
    expect((await service('active').verify(token)).ok).toBe(true);
  });

  it('accepts a token signed by the secondary certificate only while the project has it', async () => {
    const bySecondary = buildRtcToken({ appId: APP_ID, appCertificate: SECONDARY, channel: 'room', uid: 5, role: 'publisher', tokenExpireSeconds: 600 });
    expect((await service('active', [CERTIFICATE, SECONDARY]).verify(bySecondary)).ok).toBe(true);
    expect((await service('active', [SECONDARY, CERTIFICATE]).verify(token)).ok).toBe(true);
    expect(await service('active').verify(bySecondary)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('signs new tokens with the primary certificate', async () => {
    const created = await service('active', [SECONDARY, CERTIFICATE]).createToken(APP_ID, { channel: 'room', uid: 5, role: 'publisher' });
    expect((await service('active', [SECONDARY]).verify(created.token)).ok).toBe(true);
    expect((await service('active', [CERTIFICATE]).verify(created.token)).ok).toBe(false);
  });

  it('refuses every token of a disabled project, for joins and reads alike, saying why', async () => {
    expect(await service('disabled').verify(token)).toEqual({ ok: false, reason: 'unknown_app', message: expect.stringMatching(/The project is disabled/) });
  });
});
