import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { quietLogger } from '../log/logger.ts';
import { openMediaNetwork } from './mediaNetwork.ts';

describe('opening the media network', () => {
  it('refuses to start on a media port another process holds, naming the variable', async () => {
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', resolve));
    const taken = squatter.address().port;
    try {
      const config = loadConfig({ PARLEY_RTC_UDP_PORT: String(taken) });
      await expect(openMediaNetwork(config, quietLogger)).rejects.toThrow(`PARLEY_RTC_UDP_PORT ${taken} cannot be bound`);
    } finally {
      squatter.close();
    }
  });

  it('opens one socket on the port in single-port mode, and none in range mode', async () => {
    const single = await openMediaNetwork(loadConfig({ PARLEY_RTC_UDP_PORT: '0' }), quietLogger);
    expect(single.network.mux?.port).toBeGreaterThan(0);
    expect(single.network.announced).toEqual(['127.0.0.1']);
    await single.close();
    const range = await openMediaNetwork(loadConfig({ PARLEY_RTC_UDP_PORT: 'range' }), quietLogger);
    expect(range.network.mux).toBeUndefined();
    expect(range.network).toMatchObject({ portMin: 40000, portMax: 40199 });
    await range.close();
  });
});
