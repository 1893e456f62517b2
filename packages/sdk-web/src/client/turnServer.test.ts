import { describe, expect, it } from 'vitest';
import { toIceServers } from './turnServer.ts';

describe('toIceServers', () => {
  it('turns Agora\'s settings into turn: URLs over UDP and TCP', () => {
    expect(toIceServers({ turnServerURL: 'turn.example.com', username: 'u', password: 'p', udpport: 3478, tcpport: 443 })).toEqual([
      { urls: ['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:443?transport=tcp'], username: 'u', credential: 'p' },
    ]);
  });

  it('uses turns: for security, and takes several servers', () => {
    const servers = toIceServers([
      { turnServerURL: 'a.example', username: 'u', password: 'p', tcpport: 5349, security: true },
      { turnServerURL: 'b.example', username: 'v', password: 'q' },
    ]);
    expect(servers.map((s) => s.urls)).toEqual([['turns:a.example:5349?transport=tcp'], ['turn:b.example:3478?transport=udp', 'turn:b.example:3478?transport=tcp']]);
  });

  it('refuses what cannot be a TURN server, with INVALID_PARAMS', () => {
    expect(() => toIceServers({ turnServerURL: '', username: 'u', password: 'p' })).toThrow(/turnServerURL/);
    expect(() => toIceServers({ turnServerURL: 'x', username: 'u', password: 'p', udpport: 70000 })).toThrow(/udpport/);
    expect(() => toIceServers({ turnServerURL: 'x', username: 1 as never, password: 'p' })).toThrow(/username/);
  });
});
