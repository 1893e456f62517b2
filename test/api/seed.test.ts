/**
 * The seed page's curl requests, run through a real shell against a real server with only the
 * host and the credentials changed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { call, basic, startTestServer, type TestServer } from '../support/server.ts';
import type { CreatedProject } from '@parley/server';

const run = promisify(execFile);
const SEED = fs.readFileSync(new URL('../fixtures/seed-rest-apis-for-video-calling.mdx', import.meta.url), 'utf8');

/** Every ```bash block of the seed that runs curl, in page order. */
function seedCurlBlocks(): string[] {
  return [...SEED.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((block) => block.includes('curl '));
}

describe('the seed page\'s requests', () => {
  let t: TestServer;
  let project: CreatedProject;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('pro');
    // "Generate token first": the seed's Bearer request reads test-channel.
    const minted = await call(t.url, 'POST', `/v1/projects/${project.appId}/tokens`, {
      auth: basic(project.customerId, project.customerSecret!),
      body: { channel: 'test-channel', uid: 12345, role: 'subscriber', expireSeconds: 600 },
    });
    token = minted.body.data.token;
  });
  afterAll(() => t.stop());

  function localise(block: string): string {
    return block
      .replaceAll('https://api.agora.io/v1/', `${t.url}/v1/`)
      .replaceAll('YOUR_PROJECT_ID', project.appId)
      .replaceAll('YOUR_APP_ID', project.appId)
      .replaceAll('YOUR_CUSTOMER_ID', project.customerId)
      .replaceAll('YOUR_CUSTOMER_SECRET', project.customerSecret!)
      .replaceAll('YOUR_ACCESS_TOKEN', token)
      .replace(/curl /g, 'curl -sS ');
  }

  it('has three curl requests: create, read with a Bearer token, create with clientRequest', () => {
    expect(seedCurlBlocks()).toHaveLength(3);
  });

  it('answers each of them with 200 and the channel', async () => {
    const [createSimple, readWithToken, createFull] = seedCurlBlocks().map(localise);

    const created = JSON.parse((await run('bash', ['-c', createSimple!])).stdout);
    expect(created).toMatchObject({ code: 200, message: 'success', data: { channel: 'test-channel', createdByUid: '12345' } });

    const read = JSON.parse((await run('bash', ['-c', readWithToken!])).stdout);
    expect(read).toMatchObject({ code: 200, data: { channel: 'test-channel', participants: [] } });

    const full = JSON.parse((await run('bash', ['-c', createFull!])).stdout);
    expect(full).toMatchObject({
      code: 200,
      data: { channel: 'my-video-channel', createdByUid: 'user_12345', settings: { resourceExpiredHour: 24, recordingConfig: { channelType: 0, streamTypes: 2 } } },
    });
  });
});
