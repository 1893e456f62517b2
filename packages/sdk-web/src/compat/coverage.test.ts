/**
 * The coverage report of ParleyRTC against Agora's declarations (`npm run sdk:coverage`): it reads
 * both SDKs, counts what it should, and every documented no-op names a real Agora member that
 * Parley has (a typo or a forgotten implementation would show as missing here).
 */
import { describe, expect, it } from 'vitest';
import { coverage, markdown } from '../../scripts/coverage.ts';
import { DOCUMENTED_NOOPS } from './noops.ts';

describe('sdk coverage report', () => {
  const report = coverage();
  const members = (agora: string) => report.interfaces.find((i) => i.agora === agora)!.members;
  const status = (agora: string, name: string) => members(agora).find((m) => m.name === name)?.status;

  it('reads the pinned Agora version and both SDKs\' members', () => {
    expect(report.agoraVersion).toBe('4.24.8');
    expect(status('IAgoraRTC', 'createClient')).toBe('present');
    expect(status('IAgoraRTCClient', 'join')).toBe('present');
    expect(status('IAgoraRTCClient events', 'user-published')).toBe('present');
    expect(status('IAgoraRTCClient events', 'stream-message')).toBe('present');
    expect(status('AgoraRTCErrorCode', 'DATACHANNEL_FAILED')).toBe('present');
    expect(status('AgoraRTCErrorCode', 'METADATA_OUT_OF_RANGE')).toBe('present');
    expect(status('IAgoraRTCClient', 'setEncryptionConfig')).toBe('present');
    expect(status('IAgoraRTCClient events', 'crypt-error')).toBe('present');
    expect(status('AgoraRTCErrorCode', 'INVALID_PARAMS')).toBe('present');
    // Agora's internals are not API.
    expect(members('IAgoraRTCClient').some((m) => m.name.startsWith('_'))).toBe(false);
    const { present, 'no-op': noop, missing } = report.totals;
    expect(present + noop + missing).toBe(report.interfaces.reduce((sum, i) => sum + i.members.length, 0));
  });

  it('finds every documented no-op on Agora\'s side and on Parley\'s', () => {
    for (const [agora, table] of Object.entries(DOCUMENTED_NOOPS)) {
      for (const [name, reason] of Object.entries(table)) {
        expect(status(agora, name), `${agora}.${name}`).toBe('no-op');
        expect(reason.length).toBeGreaterThan(20);
      }
    }
  });

  it('covers at least what it covered last (floors to raise as members arrive, never to lower)', () => {
    const covered = (members: Array<{ status: string }>) => members.filter((m) => m.status !== 'missing').length;
    const floors: Record<string, number> = { IAgoraRTC: 38, IAgoraRTCClient: 50, 'IAgoraRTCClient events': 26 };
    for (const [agora, floor] of Object.entries(floors)) expect(covered(members(agora)), agora).toBeGreaterThanOrEqual(floor);
    expect(report.totals.present + report.totals['no-op']).toBeGreaterThanOrEqual(244);
    // Dual stream, with Agora's names.
    for (const name of ['enableDualStream', 'disableDualStream', 'setDualStreamMode', 'setLowStreamParameter', 'setRemoteVideoStreamType', 'setRemoteDefaultVideoStreamType', 'setStreamFallbackOption']) {
      expect(status('IAgoraRTCClient', name), name).toBe('present');
    }
    expect(status('IAgoraRTCClient events', 'stream-type-changed')).toBe('present');
    expect(status('IAgoraRTCClient events', 'stream-fallback')).toBe('present');
  });

  it('prints a table and the reasons', () => {
    const text = markdown(report);
    expect(text).toMatch(/^# ParleyRTC against agora-rtc-sdk-ng 4\.24\.8/);
    expect(text).toContain('| IAgoraRTC | ParleyRTC |');
    expect(text).toContain('`enableLogUpload`: Parley has no log collection service');
  });
});
