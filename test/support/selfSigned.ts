/**
 * Self-signed certificates made by openssl for TLS tests: EC keys, so each takes milliseconds.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface SelfSigned {
  certFile: string;
  keyFile: string;
  /** The certificate's PEM, for a client to trust. */
  cert: string;
}

/** A certificate named `name` (its common name) for `altNames` (`IP:127.0.0.1`, `DNS:parley.test`), written into `dir`. */
export async function selfSigned(dir: string, name: string, altNames = ['IP:127.0.0.1']): Promise<SelfSigned> {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  await exec('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=${altNames.join(',')}`, '-keyout', keyFile, '-out', certFile,
  ]);
  return { certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8') };
}

/** Chromium's `--ignore-certificate-errors-spki-list` entry: trusts this one certificate, not every one. */
export function spkiHash(cert: string): string {
  const spki = new crypto.X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(spki).digest('base64');
}
