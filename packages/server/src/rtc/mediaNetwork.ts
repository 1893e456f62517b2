/**
 * Opens the SFU's media network at start: the addresses it announces and, in single-port mode,
 * the UDP mux's sockets. A port already taken fails the start with the variable to change; a
 * wrong address only fails readiness (see mediaAddresses.ts), so the operator sees it at once.
 */
import type { Config } from '../config/types.ts';
import { ConfigError } from '../config/types.ts';
import type { Logger } from '../log/logger.ts';
import { resolveMediaAddresses } from './mediaAddresses.ts';
import type { MediaNetwork } from './peerFactory.ts';
import { SOCKET_BUFFER_BYTES, UdpMux } from './udpMux.ts';

export interface OpenedMediaNetwork {
  network: MediaNetwork;
  /** Why media cannot work as configured (readiness fails while there is any). */
  problems: string[];
  close(): Promise<void>;
}

export async function openMediaNetwork(config: Pick<Config, 'http' | 'rtc'>, log: Logger): Promise<OpenedMediaNetwork> {
  const { rtc } = config;
  const addresses = resolveMediaAddresses({ httpHost: config.http.host, addresses: rtc.addresses, publicAddresses: rtc.publicAddresses });
  for (const problem of addresses.problems) log.warn({ problem }, 'media address setting cannot work');
  const base = { announced: addresses.announced, portMin: rtc.portMin, portMax: rtc.portMax, connectTimeoutMs: rtc.connectTimeoutSeconds * 1000 };
  if (rtc.udpPort === 'range') {
    log.info({ announced: addresses.announced, portMin: rtc.portMin, portMax: rtc.portMax }, 'media on a UDP port per connection');
    return { network: base, problems: addresses.problems, close: async () => {} };
  }
  let mux: UdpMux;
  try {
    mux = await UdpMux.listen(addresses.bindings, rtc.udpPort);
  } catch (error) {
    throw new ConfigError(`PARLEY_RTC_UDP_PORT ${rtc.udpPort} cannot be bound (${(error as Error).message}): free it or choose another port`);
  }
  const buffers = mux.bufferBytes;
  log.info({ announced: addresses.announced, udpPort: mux.port, socketBufferBytes: buffers }, 'media on one UDP port');
  if (buffers.receive < SOCKET_BUFFER_BYTES || buffers.send < SOCKET_BUFFER_BYTES) {
    log.warn(
      { wanted: SOCKET_BUFFER_BYTES, granted: buffers },
      `the kernel capped the media socket's buffers: under load it will drop media packets; raise the cap with sysctl -w net.core.rmem_max=${SOCKET_BUFFER_BYTES} net.core.wmem_max=${SOCKET_BUFFER_BYTES}`,
    );
  }
  return { network: { ...base, mux }, problems: addresses.problems, close: () => mux.close() };
}
