/**
 * deploy/systemd: the units pass `systemd-analyze verify` (where systemd is installed), stop by
 * SIGTERM with time for the drain, and are hardened; every PARLEY_* name in deploy/ is one the
 * server reads.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../../packages/server/src/config/variables.ts';
import { deployFile, deployFiles, installed, ROOT } from './deployFiles.ts';

const exec = promisify(execFile);
const UNITS = ['parley.service', 'parley@.service'];

/** `Key=value` lines of a unit or env file; a key given several times keeps every value. */
function settings(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [, key, value] of text.matchAll(/^([A-Za-z_]+)=(.*)$/gm)) found.set(key!, [...(found.get(key!) ?? []), value!]);
  return found;
}

describe('the systemd units', () => {
  it.skipIf(!installed('systemd-analyze'))('pass systemd-analyze verify', async () => {
    // The units run a checkout in /opt/parley; verify checks that ExecStart exists, so point them at this one.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-units-'));
    try {
      for (const unit of UNITS) fs.writeFileSync(path.join(dir, unit), deployFile(`systemd/${unit}`).replaceAll('/opt/parley', ROOT));
      const { stderr } = await exec('systemd-analyze', ['verify', path.join(dir, 'parley.service'), path.join(dir, 'parley@node-a.service')]);
      expect(stderr).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(UNITS)('%s stops with SIGTERM to Parley alone and waits out the drain', (unit) => {
    const unitSettings = settings(deployFile(`systemd/${unit}`));
    const drain = Number(settings(deployFile('systemd/parley.env.example')).get('PARLEY_DRAIN_SECONDS')![0]);
    expect(unitSettings.get('KillSignal')).toEqual(['SIGTERM']);
    // ffmpeg recorders are Parley's children: Parley stops them itself as it drains.
    expect(unitSettings.get('KillMode')).toEqual(['mixed']);
    expect(Number(unitSettings.get('TimeoutStopSec')![0])).toBeGreaterThan(drain);
    expect(unitSettings.get('Restart')).toEqual(['on-failure']);
  });

  it.each(UNITS)('%s is hardened, with only its data folder writable', (unit) => {
    const unitSettings = settings(deployFile(`systemd/${unit}`));
    for (const [key, value] of Object.entries({ NoNewPrivileges: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes', User: 'parley' })) {
      expect(unitSettings.get(key), key).toEqual([value]);
    }
    const dataDir = unitSettings.get('Environment')!.find((line) => line.startsWith('PARLEY_DATA_DIR='))!.split('=')[1];
    // StateDirectory=x is /var/lib/x, made for User= and writable under ProtectSystem=strict.
    expect(`/var/lib/${unitSettings.get('StateDirectory')![0]}`).toBe(dataDir);
  });

  it('gives each instance of the template its own node id, data folder and settings file', () => {
    const template = settings(deployFile('systemd/parley@.service'));
    expect(template.get('Environment')).toEqual(expect.arrayContaining(['PARLEY_NODE_ID=%i', 'PARLEY_DATA_DIR=/var/lib/parley/%i']));
    expect(template.get('EnvironmentFile')).toEqual(['/etc/parley/parley.env', '/etc/parley/%i.env']);
  });
});

describe('the settings deploy/ uses', () => {
  it('are all variables the server reads', () => {
    const known = new Set<string>(VARIABLES.map((variable) => variable.name));
    // Being added with the cluster work (issue 15) by another change; drop them here once variables.ts has them.
    for (const name of ['PARLEY_NODE_URL', 'PARLEY_DRAIN_SECONDS']) known.add(name);
    const used = new Set(deployFiles().flatMap((file) => [...deployFile(file).matchAll(/\bPARLEY_[A-Z0-9_]+/g)].map((match) => match[0])));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });
});
