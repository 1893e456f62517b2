/**
 * Which server a client talks to, and the signaling URL made from it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSignalingServer } from '../test/fakeSignalingServer.ts';
import ParleyRTC from './index.ts';
import { resolveServer, resolveServers, setDefaultServer, signalingUrl } from './serverUrl.ts';

const APP_ID = '0123456789abcdef0123456789abcdef';

describe('server URL', () => {
  afterEach(() => setDefaultServer(undefined));

  it('turns http(s) into ws(s) and appends the signaling path', () => {
    expect(signalingUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/v1/rtc');
    expect(signalingUrl('https://parley.example.com/')).toBe('wss://parley.example.com/v1/rtc');
  });

  it('keeps a path prefix, as behind a reverse proxy', () => {
    expect(signalingUrl('https://example.com/parley/')).toBe('wss://example.com/parley/v1/rtc');
  });

  it('prefers the client option, then setServer, and refuses when neither nor a page origin exists', () => {
    expect(() => resolveServer()).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    setDefaultServer('http://default:1');
    expect(resolveServer()).toBe('http://default:1/');
    expect(resolveServer('http://own:2')).toBe('http://own:2/');
  });

  it('takes a list of cluster nodes, in order and without repeats; the first is the server of one', () => {
    setDefaultServer(['http://node-a:1', 'http://node-b:2/', 'http://node-a:1/']);
    expect(resolveServers()).toEqual(['http://node-a:1/', 'http://node-b:2/']);
    expect(resolveServer()).toBe('http://node-a:1/');
    expect(resolveServers('http://own:3')).toEqual(['http://own:3/']);
    expect(() => setDefaultServer([])).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    expect(() => setDefaultServer(['http://node-a:1', 'node-b'])).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });

  it('rejects URLs that are not http(s) or ws(s)', () => {
    expect(() => setDefaultServer('ftp://example.com')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    expect(() => setDefaultServer('example.com')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });

  it('ParleyRTC.setServer, called before createClient or after it, sends the next join to that server; the client option wins', async () => {
    const [chosen, own] = await Promise.all([startFakeSignalingServer(), startFakeSignalingServer()]);
    const joins = (server: typeof chosen) => server.received.filter((message) => message.type === 'join').length;
    try {
      ParleyRTC.setServer(chosen.url);
      const before = ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      await before.join(APP_ID, 'room', '007token', 'alice');
      expect(joins(chosen)).toBe(1);
      await before.leave();

      setDefaultServer(undefined);
      const earlier = ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      ParleyRTC.setServer(chosen.url);
      await earlier.join(APP_ID, 'room', '007token', 'bob');
      expect(joins(chosen)).toBe(2);
      await earlier.leave();

      const withOption = ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8', server: own.url });
      await withOption.join(APP_ID, 'room', '007token', 'carol');
      expect([joins(chosen), joins(own)]).toEqual([2, 1]);
      await withOption.leave();
    } finally {
      await Promise.all([chosen.close(), own.close()]);
    }
  });
});
