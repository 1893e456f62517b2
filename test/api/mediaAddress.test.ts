/**
 * A media address the host does not have would give every client candidates it cannot reach:
 * the node must say so on /readyz and in its log, rather than let calls fail silently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort, serveProcess } from '../support/parleyProcess.ts';

describe('a media address that is not the host’s', () => {
  let child: ChildProcess;
  let url: string;
  let dataDir: string;
  const logLines: string[] = [];
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-media-address-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = await serveProcess(dataDir, port, { env: { PARLEY_RTC_ADDRESS: '198.51.100.7' }, logLines });
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    if (child) await exited(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails readiness with a reason naming the variable, and logs what to set instead', async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.details.reason).toMatch(/^PARLEY_RTC_ADDRESS 198\.51\.100\.7 is not an address of this host \(its addresses: 127\.0\.0\.1/);
    expect(body.details.reason).toContain('PARLEY_RTC_PUBLIC_ADDRESS=198.51.100.7');
    const warning = logLines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line)).find((entry) => entry.msg === 'media address setting cannot work');
    expect(warning?.problem).toBe(body.details.reason);
    // Liveness is another matter: the process is up.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
