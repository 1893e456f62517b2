import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.ts';
import { readTlsPair, type TlsFiles } from './tlsFiles.ts';

const exec = promisify(execFile);

describe('readTlsPair', () => {
  let dir: string;
  let one: TlsFiles;
  let two: TlsFiles;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-files-'));
    const make = async (name: string): Promise<TlsFiles> => {
      const files = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
      await exec('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', files.key, '-out', files.cert]);
      return files;
    };
    [one, two] = await Promise.all([make('one'), make('two')]);
    fs.writeFileSync(path.join(dir, 'garbage.pem'), '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function refusal(files: TlsFiles): string {
    try {
      readTlsPair(files);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('readTlsPair accepted the files');
  }

  it('reads a matching pair and describes the certificate without the key', () => {
    const pair = readTlsPair(one);
    expect(pair.summary).toMatchObject({ subject: 'CN=one', issuer: 'CN=one', fingerprint256: expect.stringMatching(/^[0-9A-F:]{95}$/) });
    expect(Date.parse(pair.summary.validTo)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(pair.summary)).not.toContain('PRIVATE');
  });

  it('names the file it cannot read', () => {
    expect(refusal({ cert: path.join(dir, 'missing.crt'), key: one.key })).toMatch(/cannot read the TLS certificate \(PARLEY_TLS_CERT, --tls-cert\) .*missing\.crt: ENOENT/);
    expect(refusal({ cert: one.cert, key: dir })).toMatch(/cannot read the TLS key \(PARLEY_TLS_KEY, --tls-key\) .*: EISDIR/);
  });

  it('names a file that is not PEM, and a key that is not the certificate’s, without quoting the key', () => {
    expect(refusal({ cert: path.join(dir, 'garbage.pem'), key: one.key })).toMatch(/the TLS certificate .*garbage\.pem is not a PEM certificate/);
    expect(refusal({ cert: one.key, key: one.key })).toMatch(/one\.key is not a PEM certificate/);
    const notAKey = refusal({ cert: one.cert, key: one.cert });
    expect(notAKey).toMatch(/the TLS key .*one\.crt is not an unencrypted PEM private key/);
    expect(refusal({ cert: one.cert, key: two.key })).toMatch(/the TLS key .*two\.key does not belong to the certificate .*one\.crt/);
  });
});
