import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveMediaAddresses } from './mediaAddresses.ts';

type Interfaces = ReturnType<typeof os.networkInterfaces>;
const entry = (address: string, internal = false) => ({ address, family: 'IPv4' as const, internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null });
/** A cloud VM: loopback, one private address, a docker bridge. */
const VM: Interfaces = { lo: [entry('127.0.0.1', true)], eth0: [entry('10.0.0.4')], docker0: [entry('172.17.0.1')] };

describe('media addresses', () => {
  it('stay on loopback while the server listens on loopback', () => {
    expect(resolveMediaAddresses({ httpHost: '127.0.0.1' }, VM)).toEqual({
      announced: ['127.0.0.1'],
      bindings: [{ bindAddress: '127.0.0.1', announcedAddresses: ['127.0.0.1'] }],
      problems: [],
    });
  });

  it('are every non-loopback address of the host when the server listens beyond loopback', () => {
    const resolved = resolveMediaAddresses({ httpHost: '0.0.0.0' }, VM);
    expect(resolved.announced).toEqual(['10.0.0.4', '172.17.0.1']);
    expect(resolved.bindings.map((binding) => binding.bindAddress)).toEqual(['10.0.0.4', '172.17.0.1']);
    expect(resolved.problems).toEqual([]);
  });

  it('announce a 1:1 NAT public address on the socket of the first local address', () => {
    const resolved = resolveMediaAddresses({ httpHost: '0.0.0.0', addresses: ['10.0.0.4'], publicAddresses: ['203.0.113.9'] }, VM);
    expect(resolved).toEqual({
      announced: ['10.0.0.4', '203.0.113.9'],
      bindings: [{ bindAddress: '10.0.0.4', announcedAddresses: ['10.0.0.4', '203.0.113.9'] }],
      problems: [],
    });
  });

  it('name a configured address the host does not have, with what to set instead', () => {
    const resolved = resolveMediaAddresses({ httpHost: '0.0.0.0', addresses: ['203.0.113.9'] }, VM);
    expect(resolved.problems).toHaveLength(1);
    expect(resolved.problems[0]).toContain('PARLEY_RTC_ADDRESS 203.0.113.9 is not an address of this host');
    expect(resolved.problems[0]).toContain('127.0.0.1, 10.0.0.4, 172.17.0.1');
    expect(resolved.problems[0]).toContain('PARLEY_RTC_PUBLIC_ADDRESS=203.0.113.9');
    // It is still announced, over a socket on every interface, in case the NAT does forward it.
    expect(resolved.bindings).toEqual([{ bindAddress: '0.0.0.0', announcedAddresses: ['203.0.113.9'] }]);
  });
});
