/**
 * The certificate and key Parley serves HTTPS and WSS with: read and checked at start (a bad file
 * stops the start with a message naming it), then watched, so a renewed pair (certbot, Caddy,
 * cert-manager) is taken into use without a restart and a broken one never replaces a good one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type tls from 'node:tls';
import type { Logger } from 'pino';
import { ConfigError } from '../config/index.ts';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** A checked pair, and what may be logged of it: never the key. */
export interface TlsPair {
  cert: Buffer;
  key: Buffer;
  summary: CertificateSummary;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  validTo: string;
  fingerprint256: string;
}

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new ConfigError(`cannot read the TLS ${what} ${file}: ${(error as Error).message}`);
  }
}

/** Reads both files and checks that they are PEM and that the key belongs to the certificate. */
export function readTlsPair(files: TlsFiles): TlsPair {
  const cert = readFile(files.cert, 'certificate (PARLEY_TLS_CERT, --tls-cert)');
  const key = readFile(files.key, 'key (PARLEY_TLS_KEY, --tls-key)');
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch {
    throw new ConfigError(`the TLS certificate ${files.cert} is not a PEM certificate`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch {
    // crypto's own message is left out: nothing read from a key file goes to a terminal or a log.
    throw new ConfigError(`the TLS key ${files.key} is not an unencrypted PEM private key`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new ConfigError(`the TLS key ${files.key} does not belong to the certificate ${files.cert}`);
  return {
    cert,
    key,
    summary: { subject: x509.subject.replaceAll('\n', ', '), issuer: x509.issuer.replaceAll('\n', ', '), validTo: x509.validToDate.toISOString(), fingerprint256: x509.fingerprint256 },
  };
}

/** Renewals land as a burst of events (a temp file, a rename, the key after the certificate). */
const SETTLE_MS = 300;

/**
 * Watches the files' folders rather than the files: certbot swaps symlinks and Caddy and
 * Kubernetes rename new files over old ones, which a watch on the old file would never see.
 * Any event there re-reads the pair; an unchanged pair is left alone.
 */
export function watchTlsFiles(server: tls.Server, files: TlsFiles, initial: TlsPair, log: Logger): { close(): void } {
  let current = initial;
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    let next: TlsPair;
    try {
      next = readTlsPair(files);
    } catch (error) {
      log.error({ reason: (error as Error).message, certificate: current.summary }, 'TLS files changed but cannot be used: the previous certificate stays in use');
      return;
    }
    if (next.cert.equals(current.cert) && next.key.equals(current.key)) return;
    server.setSecureContext({ cert: next.cert, key: next.key });
    current = next;
    log.info({ certificate: next.summary }, 'TLS certificate reloaded');
  };
  const unwatched = (folder: string, error: Error) =>
    log.error({ folder, reason: error.message }, 'cannot watch the TLS files for renewals: restart Parley to take a new certificate');
  const watchers: fs.FSWatcher[] = [];
  for (const folder of new Set([path.dirname(files.cert), path.dirname(files.key)])) {
    // The server already serves the pair read at start; a folder it cannot watch costs renewals, not the start.
    try {
      const watcher = fs.watch(folder, { persistent: false }, () => {
        clearTimeout(timer);
        timer = setTimeout(reload, SETTLE_MS);
      });
      watchers.push(watcher.on('error', (error) => unwatched(folder, error)));
    } catch (error) {
      unwatched(folder, error as Error);
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
