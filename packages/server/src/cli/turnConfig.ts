/**
 * `parley turn config`: prints a coturn `turnserver.conf` for this server's TURN settings
 * (PARLEY_TURN_URLS, PARLEY_TURN_SECRET, PARLEY_RTC_ADDRESS). It prints the secret, as coturn
 * needs it in its file; nothing else ever does.
 */
import type { Config } from '../config/index.ts';
import { resolveMediaAddresses } from '../rtc/mediaAddresses.ts';
import { coturnConfig, CoturnConfigError } from '../turn/coturnConfig.ts';
import { UserError } from './userError.ts';

export function turnConfigCommand(config: Pick<Config, 'http' | 'rtc'>, options: { realm?: string; listeningIp?: string[]; cert?: string; pkey?: string }): void {
  const { turnUrls, turnSecret } = config.rtc;
  if (!turnUrls || !turnSecret) throw new UserError('set PARLEY_TURN_URLS and PARLEY_TURN_SECRET first: the configuration is written from them');
  try {
    process.stdout.write(
      coturnConfig({
        urls: turnUrls,
        secret: turnSecret,
        // The addresses the SFU announces: coturn must let relayed media reach them.
        sfuAddresses: resolveMediaAddresses({ httpHost: config.http.host, addresses: config.rtc.addresses, publicAddresses: config.rtc.publicAddresses }).announced,
        ...(options.realm ? { realm: options.realm } : {}),
        ...(options.listeningIp ? { listeningIps: options.listeningIp } : {}),
        ...(options.cert ? { cert: options.cert } : {}),
        ...(options.pkey ? { pkey: options.pkey } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof CoturnConfigError) throw new UserError(error.message);
    throw error;
  }
}
