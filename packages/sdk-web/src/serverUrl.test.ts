/**
 * Which server a client talks to, and the signaling URL made from it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServer, setDefaultServer, signalingUrl } from './serverUrl.ts';

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

  it('rejects URLs that are not http(s) or ws(s)', () => {
    expect(() => setDefaultServer('ftp://example.com')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    expect(() => setDefaultServer('example.com')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });
});
