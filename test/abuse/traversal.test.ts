/**
 * Path traversal: recorded-file downloads and docs pages asked for names that climb out of their
 * folder (`../`, encoded and double-encoded dots and slashes, backslashes, absolute paths, NUL
 * bytes, overlong UTF-8) answer a 400/404 envelope and never a byte of a file outside. Sentinel
 * files are planted where a traversal would land: the data folder, the recordings folder, and
 * another project's recordings. Requests go out raw (node:http), so no client normalises them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { rawRequest, type RawAnswer } from './rawHttp.ts';

const SENTINEL = 'SENTINEL-outside-the-recordings-folder';

function namesFor(sid: string, otherAppId: string, dataDir: string): string[] {
  const file = `${sid}_secret.m3u8`;
  return [
    `../${file}`,
    `../../${file}`,
    `../${otherAppId}/${file}`,
    `..%2f${file}`,
    `%2e%2e%2f${file}`,
    `%2e%2e/${file}`,
    `.%2e/${file}`,
    `%2e%2e%2f${otherAppId}%2f${file}`,
    `%252e%252e%252f${file}`,
    `..%5c${file}`,
    `..\\${file}`,
    `....//${file}`,
    `..;/${file}`,
    `%c0%ae%c0%ae/${file}`,
    `/${file}`,
    `%2f..%2f${file}`,
    `/etc/passwd`,
    `%2fetc%2fpasswd`,
    `../../../../../../../../etc/passwd`,
    encodeURIComponent(path.join(dataDir, file)),
    `${sid}_x.m3u8%00`,
    `${file}%00.ts`,
    `${sid}_%00/../${file}`,
    `${sid}_a/../../${file}`,
    `${sid}_a%2f..%2f..%2f${file}`,
  ];
}

function expectRefused(answer: RawAnswer, label: string): void {
  expect([400, 404], `${label} → ${answer.status} ${answer.text.slice(0, 200)}`).toContain(answer.status);
  expect(answer.text, label).not.toContain(SENTINEL);
  expect(answer.text, label).not.toMatch(/root:.*:0:0:/);
}

describe.each(BACKENDS)('abuse: traversal on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let other: CreatedProject;
  let auth: string;
  let sid: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('enterprise');
    other = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    // A real recording (of an empty channel, so nothing to encode), whose files the names aim beside.
    const started = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/vault/recordings`, { auth, body: { uid: '527841', mode: 'individual' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    sid = started.body.data.sid;
    await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/vault/recordings/${sid}/stop`, { auth });
    const dataDir = t.config.store.dataDir;
    for (const dir of [dataDir, path.join(dataDir, 'recordings'), path.join(dataDir, 'recordings', other.appId)]) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${sid}_secret.m3u8`), SENTINEL);
    }
  });
  afterAll(() => t.stop());

  it('refuses every climbing file name of a recording download with a 400/404 envelope and no byte from outside', async () => {
    const names = namesFor(sid, other.appId, t.config.store.dataDir);
    for (const name of names) {
      const answer = await rawRequest(t.url, 'GET', `/v1/projects/${project.appId}/recordings/${sid}/files/${name}`, { headers: { authorization: auth } });
      expectRefused(answer, name);
      if (answer.status >= 400) expect(answer.body, name).toMatchObject({ code: answer.status, message: expect.any(String) });
    }
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  it('refuses climbing sids and App IDs in the download path the same way', async () => {
    for (const segment of ['..', '%2e%2e', '..%2f..', '%2e%2e%2f%2e%2e', `${sid}%00`, `..%5c..`]) {
      for (const target of [`/v1/projects/${project.appId}/recordings/${segment}/files/${sid}_secret.m3u8`, `/v1/projects/${segment}/recordings/${sid}/files/${sid}_secret.m3u8`]) {
        const answer = await rawRequest(t.url, 'GET', target, { headers: { authorization: auth } });
        expectRefused(answer, target);
        expect(answer.body?.code, target).toBe(answer.status);
      }
    }
  });

  it('never serves a file outside the docs site', async () => {
    for (const name of namesFor(sid, other.appId, t.config.store.dataDir)) {
      const answer = await rawRequest(t.url, 'GET', `/docs/${name}`);
      expect(answer.status, name).toBeLessThan(500);
      expect(answer.text, name).not.toContain(SENTINEL);
      expect(answer.text, name).not.toMatch(/root:.*:0:0:/);
    }
  });
});
