import { describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { ProjectStatus } from '../projects/service.ts';
import { TokenService } from './service.ts';

const APP_ID = '0123456789abcdef0123456789abcdef';
const CERTIFICATE = 'fedcba9876543210fedcba9876543210';

function service(status: ProjectStatus): TokenService {
  return new TokenService(
    {
      findCertificate: async (appId) => (appId === APP_ID ? CERTIFICATE : undefined),
      findProject: async (appId) => (appId === APP_ID ? { appId, accountId: 'a', name: 'p', status } : undefined),
    },
    86_400,
  );
}

describe('token service', () => {
  const token = buildRtcToken({ appId: APP_ID, appCertificate: CERTIFICATE, channel: 'room', uid: 5, role: 'publisher', tokenExpireSeconds: 600 });

  it('accepts a good token of an active project', async () => {
    expect((await service('active').verify(token)).ok).toBe(true);
  });

  it('refuses every token of a disabled project, for joins and reads alike, saying why', async () => {
    expect(await service('disabled').verify(token)).toEqual({ ok: false, reason: 'unknown_app', message: expect.stringMatching(/The project is disabled/) });
  });
});
