import { describe, expect, it } from 'vitest';
import { mintIceServers } from './credentials.ts';
import { parseTurnUrl } from './turnUrl.ts';

describe('TURN REST API credentials', () => {
  it('name the expiry and the session, and sign the name with HMAC-SHA1 as coturn checks it', () => {
    const turn = { urls: ['turn:198.18.0.1:3478?transport=udp', 'turns:turn.example.com'], secret: 'coturn-secret', ttlSeconds: 86400 };
    const [server] = mintIceServers(turn, 'session-1', 1_700_000_000_500);
    // The expected credential is from `openssl dgst -sha1 -hmac coturn-secret -binary | base64`.
    expect(server).toEqual({ urls: turn.urls, username: '1700086400:session-1', credential: 'bGzxNDxva2KqKUoAUT186gLlU1Y=' });
  });
});

describe('parseTurnUrl', () => {
  it('reads the default port and transport of each scheme', () => {
    expect(parseTurnUrl('turn:turn.example.com')).toMatchObject({ secure: false, host: 'turn.example.com', port: 3478, transport: 'udp' });
    expect(parseTurnUrl('turn:198.18.0.1:443?transport=tcp')).toMatchObject({ secure: false, port: 443, transport: 'tcp' });
    expect(parseTurnUrl('turns:[2001:db8::1]')).toMatchObject({ secure: true, host: '[2001:db8::1]', port: 5349, transport: 'tcp' });
  });
});
