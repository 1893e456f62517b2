/**
 * The NAT-call stage (natCall.ts) with Debian's coturn beside the Parley server, on the host's end
 * of the client's uplink: TURN over UDP and TCP on one port, over TLS on another (a self-signed
 * certificate the NAT'ed Chromium is told to accept). coturn runs with the configuration `parley
 * turn config` prints for the server's settings, and the server hands TURN credentials to every
 * client that joins. Used by the network tests and `npm run bench:network`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startCoturn, selfSignedCertificate, type Coturn } from '../../support/coturn.ts';
import { startNatCall, type NatCall } from './natCall.ts';

const BIN = path.resolve(import.meta.dirname, '../../../packages/server/bin/parley.js');
export const TURN_PORT = 3478;
export const TURNS_PORT = 5349;

export interface TurnNatCall {
  stage: NatCall;
  coturn: Coturn;
  close(): Promise<void>;
}

export async function startTurnNatCall(): Promise<TurnNatCall> {
  let certificate: Awaited<ReturnType<typeof selfSignedCertificate>> | undefined;
  let coturn: Coturn | undefined;
  const cleanUp = async () => {
    await coturn?.stop();
    if (certificate) fs.rmSync(certificate.dir, { recursive: true, force: true });
  };
  // `parley turn config` reads the media address too: coturn may relay only to it.
  const turnEnv = (host: string) => ({
    PARLEY_RTC_ADDRESS: host,
    PARLEY_TURN_URLS: `turn:${host}:${TURN_PORT}?transport=udp,turn:${host}:${TURN_PORT}?transport=tcp,turns:${host}:${TURNS_PORT}`,
    PARLEY_TURN_SECRET: `test-secret-${process.pid}`,
  });
  try {
    const stage = await startNatCall({
      serverEnv: turnEnv,
      async beforeServer(nat) {
        const host = nat.hostAddress;
        certificate = await selfSignedCertificate(host);
        const { stdout: config } = await promisify(execFile)(process.execPath, [BIN, 'turn', 'config', '--listening-ip', host, '--cert', certificate.cert, '--pkey', certificate.key], {
          env: { ...process.env, ...turnEnv(host) },
        });
        coturn = await startCoturn(config, host, TURN_PORT);
      },
      // The self-signed certificate of coturn's TLS listener.
      natBrowserArgs: ['--ignore-certificate-errors'],
    });
    return {
      stage,
      coturn: coturn!,
      async close() {
        await stage.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
