/**
 * Ban rules on both durable stores: Agora's duration rules for kicking rules, scope matching
 * (channel, uid, ip, IPv4 clients of dual-stack sockets), and listing, changing and deleting rules
 * by id within their own app only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS, type TestStore } from '../../../../test/support/stores.ts';
import { ProjectService } from '../projects/service.ts';
import { normalizeIp } from '../net/clientAddress.ts';
import { BanService, kickingRuleSeconds } from './service.ts';

describe('kickingRuleSeconds', () => {
  it.each([
    [{}, 3600],
    [{ time: 0 }, 0],
    [{ time_in_seconds: 0 }, 0],
    [{ time: 1 }, 60],
    [{ time: 60 }, 3600],
    [{ time: 1.5 }, 90],
    [{ time: 1440 }, 86400],
    [{ time: 5000 }, 86400],
    [{ time: -3 }, 60],
    [{ time_in_seconds: 5 }, 10],
    [{ time_in_seconds: 10 }, 10],
    [{ time_in_seconds: 600.4 }, 600],
    [{ time_in_seconds: 86430 }, 86430],
    [{ time_in_seconds: 999999 }, 86430],
    [{ time_in_seconds: -1 }, 10],
    // time_in_seconds wins when both are set.
    [{ time: 60, time_in_seconds: 30 }, 30],
    [{ time: 0, time_in_seconds: 30 }, 30],
    [{ time: 60, time_in_seconds: 0 }, 0],
  ])('reads %j as %i seconds', (input, seconds) => {
    expect(kickingRuleSeconds(input)).toBe(seconds);
  });
});

describe('normalizeIp', () => {
  it('reads an IPv4 client of a dual-stack socket as its IPv4 address', () => {
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeIp('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe.each(STORE_KINDS)('BanService on %s', (kind) => {
  let opened: TestStore;
  let bans: BanService;
  let appId: string;
  let otherAppId: string;
  const now = Date.parse('2026-03-02T10:00:00Z');

  beforeEach(async () => {
    opened = await openTestStore(kind);
    bans = new BanService(opened.store.db);
    const projects = new ProjectService(opened.store.db, undefined);
    appId = (await projects.createProject({ name: 'A' })).appId;
    otherAppId = (await projects.createProject({ name: 'B' })).appId;
  });
  afterEach(() => opened.close());

  it('denies privileges by channel, uid or ip, each unset field covering every value', async () => {
    await bans.ban(appId, { channel: 'room' }, ['publish_video'], 60, now);
    await bans.ban(appId, { uid: 7 }, ['join_channel'], 60, now);
    await bans.ban(appId, { ip: '::ffff:198.51.100.4' }, ['publish_audio'], 60, now);
    const denied = async (channel: string, uid: number | string, ip?: string) =>
      [...(await bans.deniedPrivileges(appId, { channel, uid, ...(ip ? { ip } : {}) }, now + 1000))].sort();
    expect(await denied('room', 1)).toEqual(['publish_video']);
    expect(await denied('other', 7)).toEqual(['join_channel']);
    expect(await denied('other', '7')).toEqual(['join_channel']);
    expect(await denied('other', 1, '198.51.100.4')).toEqual(['publish_audio']);
    expect(await denied('other', 1, '::ffff:198.51.100.4')).toEqual(['publish_audio']);
    expect(await denied('room', 7, '198.51.100.4')).toEqual(['join_channel', 'publish_audio', 'publish_video']);
    expect(await denied('other', 1)).toEqual([]);
    // Another app's users are not covered, and rules end when they expire.
    expect([...(await bans.deniedPrivileges(otherAppId, { channel: 'room', uid: 7 }, now))]).toEqual([]);
    expect([...(await bans.deniedPrivileges(appId, { channel: 'room', uid: 7 }, now + 61_000))]).toEqual([]);
  });

  it('lists the rules in force, changes a rule\'s end, and deletes it, by id and only in its app', async () => {
    const kept = await bans.ban(appId, { channel: 'room', uid: 5 }, ['join_channel', 'publish_audio'], 600, now);
    await bans.ban(appId, { uid: 6 }, ['join_channel'], 0, now);
    const rules = await bans.listRules(appId, now);
    expect(rules).toEqual([
      { id: kept.id, appId, channel: 'room', uid: '5', ip: null, privileges: ['join_channel', 'publish_audio'], createdAt: now, updatedAt: now, expiresAt: now + 600_000 },
    ]);

    expect(await bans.setRuleDuration(otherAppId, kept.id, 60, now + 5000)).toBeUndefined();
    expect(await bans.setRuleDuration(appId, kept.id, 60, now + 5000)).toMatchObject({ expiresAt: now + 65_000, updatedAt: now + 5000, createdAt: now });
    expect(await bans.setRuleDuration(appId, kept.id, 0, now + 6000)).toMatchObject({ expiresAt: now + 6000 });
    expect(await bans.listRules(appId, now + 6000)).toEqual([]);

    expect(await bans.deleteRule(otherAppId, kept.id)).toBe(false);
    expect(await bans.deleteRule(appId, kept.id)).toBe(true);
    expect(await bans.deleteRule(appId, kept.id)).toBe(false);
    expect(await bans.findRule(appId, kept.id)).toBeUndefined();
  });
});
