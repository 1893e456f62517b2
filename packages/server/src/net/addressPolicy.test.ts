/**
 * The webhook SSRF guard as a unit: which addresses are public, and which URLs (IP literals in
 * every spelling, host names through an injected resolver) are refused. Nothing is sent: the
 * resolver is a table and no connection is opened.
 */
import { describe, expect, it } from 'vitest';
import { classifyAddress, resolveDeliveryTarget, TargetRefused, type ResolvedAddress, type Resolver } from './addressPolicy.ts';

describe('classifyAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this-network'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.5', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
  ])('IPv4 %s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each(['1.1.1.1', '8.8.8.8', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '169.253.0.1', '192.169.0.1', '223.255.255.255'])(
    'IPv4 %s is public (just outside the special ranges)',
    (ip) => {
      expect(classifyAddress(ip)).toBe('public');
    },
  );

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'reserved'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('IPv6 %s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('IPv6 %s is public', (ip) => {
    expect(classifyAddress(ip)).toBe('public');
  });

  it('says undefined for anything that is not an IP literal', () => {
    for (const text of ['example.com', 'localhost', '', '1.2.3', '1.2.3.4.5', '::g', '[::1]']) expect(classifyAddress(text)).toBeUndefined();
  });
});

/** A resolver that answers from a table and records what it was asked; never touches the network. */
function tableResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('resolveDeliveryTarget', () => {
  const resolver = tableResolver({
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'internal.example.com': ['10.0.0.7'],
    'sneaky.example.com': ['93.184.216.34', '127.0.0.1'],
    'metadata.example.com': ['169.254.169.254'],
    'v6-ula.example.com': ['fd00::5'],
    'mapped.example.com': ['::ffff:192.168.0.1'],
    'empty.example.com': [],
    localhost: ['127.0.0.1', '::1'],
  });
  const strict = { allowPrivate: false, resolve: resolver };
  const lenient = { allowPrivate: true, resolve: resolver };

  const refusal = async (url: string, policy = strict) => {
    const error = await resolveDeliveryTarget(url, policy).then(() => undefined, (e: unknown) => e);
    expect(error, url).toBeInstanceOf(TargetRefused);
    return (error as Error).message;
  };

  it('connects a public host name to the first address it resolved to, after checking them all', async () => {
    const target = await resolveDeliveryTarget('https://hooks.example.com:8443/agora?x=1', strict);
    expect(target).toMatchObject({ address: '93.184.216.34', family: 4 });
    expect(target.url.host).toBe('hooks.example.com:8443');
  });

  it('takes a public IP literal as it is, without a lookup', async () => {
    const before = resolver.asked.length;
    expect(await resolveDeliveryTarget('http://8.8.8.8/x', strict)).toMatchObject({ address: '8.8.8.8', family: 4 });
    expect(await resolveDeliveryTarget('http://[2606:4700:4700::1111]/x', strict)).toMatchObject({ address: '2606:4700:4700::1111', family: 6 });
    expect(resolver.asked.length).toBe(before);
  });

  it.each([
    ['http://127.0.0.1:9000/hook', /127\.0\.0\.1, a loopback address/],
    ['http://localhost/hook', /localhost resolves to 127\.0\.0\.1, a loopback address/],
    ['http://[::1]/hook', /::1, a loopback address/],
    ['http://10.1.2.3/', /private/],
    ['http://192.168.0.10/', /private/],
    ['http://172.20.0.1/', /private/],
    ['http://100.100.100.200/', /carrier-grade NAT/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[fd00::1]/', /unique-local/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://224.0.0.1/', /multicast/],
    ['http://internal.example.com/', /internal\.example\.com resolves to 10\.0\.0\.7, a private address/],
    ['http://metadata.example.com/', /link-local/],
    ['http://v6-ula.example.com/', /unique-local/],
    ['http://mapped.example.com/', /private/],
  ])('refuses %s', async (url, reason) => {
    expect(await refusal(url)).toMatch(reason);
  });

  it('refuses a host with one private address among public ones (all must be public)', async () => {
    expect(await refusal('https://sneaky.example.com/')).toMatch(/127\.0\.0\.1, a loopback address/);
  });

  it('refuses every spelling of 127.0.0.1 that the URL parser turns into it', async () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/']) {
      expect(await refusal(url)).toMatch(/127\.0\.0\.1, a loopback address/);
    }
  });

  it('names the way to allow private addresses in the refusal', async () => {
    expect(await refusal('http://127.0.0.1/')).toMatch(/PARLEY_WEBHOOK_ALLOW_PRIVATE=true/);
  });

  it('refuses hosts that do not resolve, or resolve to nothing, and URLs that are not http(s)', async () => {
    expect(await refusal('https://nowhere.example.com/')).toMatch(/does not resolve \(ENOTFOUND\)/);
    expect(await refusal('https://empty.example.com/')).toMatch(/does not resolve/);
    expect(await refusal('ftp://hooks.example.com/')).toMatch(/http or https/);
    expect(await refusal('file:///etc/passwd')).toMatch(/http or https/);
    expect(await refusal('not a url')).toMatch(/not a URL/);
  });

  it('allows private, loopback and link-local targets when the server allows them', async () => {
    expect(await resolveDeliveryTarget('http://127.0.0.1:9000/hook', lenient)).toMatchObject({ address: '127.0.0.1' });
    expect(await resolveDeliveryTarget('http://localhost/hook', lenient)).toMatchObject({ address: '127.0.0.1' });
    expect(await resolveDeliveryTarget('http://internal.example.com/', lenient)).toMatchObject({ address: '10.0.0.7' });
    // Still only http(s), and still only hosts that resolve.
    await refusal('ftp://127.0.0.1/', lenient);
    await refusal('https://nowhere.example.com/', lenient);
  });
});
