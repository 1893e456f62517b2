/**
 * The portal's request machinery against a real server: the OpenAPI document it is generated from,
 * client-side validation that agrees with the server's, and generated code (cURL, JavaScript,
 * Python, and httpsnippet's extra languages) that parses and, where the runtime is here, runs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsFromOpenApi } from '../../apps/docs/src/api/fromOpenApi.ts';
import { methodProps } from '../../apps/docs/src/api/methodProps.ts';
import { buildUrl, type SnippetRequest } from '../../apps/docs/src/api/request.ts';
import { CORE_LANGUAGES } from '../../apps/docs/src/api/snippets/index.ts';
import { MORE_LANGUAGES, moreLanguageSnippet } from '../../apps/docs/src/api/snippets/moreLanguages.ts';
import type { ApiOperation, OpenApiDocument } from '../../apps/docs/src/api/types.ts';
import { createValidator } from '../../apps/docs/src/api/validation.ts';
import { agoraChannelManagementRoutes, agoraCloudRecordingRoutes } from '@parley/protocol';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { tempDir } from '../support/docsSite.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const SHELL_HOSTILE = 'a $HOME & (c|d); <e> {f} #g ~h! 100% ?i=[j]^k';

async function pythonHasRequests(): Promise<boolean> {
  try {
    await run('python3', ['-c', 'import requests']);
    return true;
  } catch {
    return false;
  }
}

describe('docs request machinery', () => {
  let t: TestServer;
  let project: CreatedProject;
  let operations: ApiOperation[];
  let dir: string;
  const op = (id: string) => operations.find((o) => o.operationId === id)!;

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    const document = (await call(t.url, 'GET', '/v1/openapi.json')).body as OpenApiDocument;
    operations = operationsFromOpenApi(document);
    dir = tempDir('parley-docs-code-');
  });
  afterAll(async () => {
    await t.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads every operation of the document, with the auth and parameters the server enforces', () => {
    expect(operations.map((o) => o.operationId)).toEqual(expect.arrayContaining(['createChannel', 'getChannel', 'createToken', 'listSessions', 'getUsage']));
    expect(op('createChannel')).toMatchObject({ method: 'POST', path: '/v1/projects/{projectId}/rtc/channels', auth: ['basic'] });
    expect(op('getChannel').auth).toEqual(['basic', 'bearer']);
    expect(op('getChannel').parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:projectId', 'path:channel']);
    for (const operation of operations) {
      const props = methodProps(operation);
      // A file download has no JSON answer to show; every other v1 operation shows the success
      // envelope, and Agora's Cloud Recording routes show Agora's own (Channel Management declares none).
      if (operation.tag === 'Agora Cloud Recording') expect(JSON.parse(props.responseCode!)).toHaveProperty('resourceId');
      else if (operation.response) expect(JSON.parse(props.responseCode!)).toMatchObject({ code: 200, message: 'success' });
      else expect(props.responseCode).toBeUndefined();
      // Every parameter and body field is a documented field; operations without any (sign-out, or an
      // empty object body such as creating a Customer Secret) list none.
      const bodyFields = Object.keys((operation.body?.schema as { properties?: object } | undefined)?.properties ?? {}).length;
      if (operation.parameters.length > 0 || bodyFields > 0) expect(props.fields!.length, operation.operationId).toBeGreaterThan(0);
    }
  });

  it('reads the Agora-compatible operations: their tags, Agora\'s paths, Basic auth only', () => {
    const agora = [...Object.values(agoraChannelManagementRoutes), ...Object.values(agoraCloudRecordingRoutes)];
    for (const route of agora) {
      const operation = op(route.operationId);
      expect(operation, route.operationId).toBeDefined();
      expect(operation).toMatchObject({ method: route.method, path: route.path.replace(/:(\w+)/g, '{$1}'), auth: ['basic'] });
      expect(operation.tag).toMatch(/^Agora (Channel Management|Cloud Recording)$/);
    }
    expect(op('agoraUserStatus').parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:appid', 'path:uid', 'path:channelName']);
    expect(op('agoraListKickingRules').parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['query:appid']);
    expect(op('agoraDeleteKickingRule').body?.required).toBe(true);
  });

  it('builds Agora requests the server answers, and validates their bodies as the server does', async () => {
    const auth = basic(project.customerId, project.customerSecret!);
    const url = buildUrl(t.url, op('agoraListChannels'), { appid: project.appId, page_size: '10' });
    expect(url).toBe(`${t.url}/dev/v1/channel/${project.appId}?page_size=10`);
    const listed = await call(t.url, 'GET', url.slice(t.url.length), { auth });
    expect(listed).toMatchObject({ status: 200, body: { success: true, data: { channels: [], total_size: 0 } } });

    const validate = createValidator(op('agoraCreateKickingRule'));
    const good = { appid: project.appId, cname: 'room-1', uid: 7, time: 5, privileges: ['join_channel'] };
    const bad = { appid: project.appId, cname: 'room-1', privileges: ['shout'] };
    expect(validate({ values: {}, body: good })).toEqual([]);
    expect(validate({ values: {}, body: bad }).map((e) => e.field)).toContain('privileges.0');
    expect((await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: good })).body).toMatchObject({ status: 'success' });
    expect((await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: bad })).status).toBe(400);
  });

  describe('validation before sending agrees with the server', () => {
    const channelName = (name: string) => ({ channel: name });
    const cases: Array<{ name: string; body: unknown }> = [
      { name: 'the seed body', body: { channel: 'my-video-channel', uid: 'user_12345', clientRequest: { resourceExpiredHour: 24, recordingConfig: { channelType: 0, streamTypes: 2 } } } },
      { name: 'a numeric uid', body: { channel: 'numeric-uid', uid: 42 } },
      { name: 'every allowed punctuation mark', body: channelName('a b!#$%&()+-:;<=.>?@[]^_{}|~,') },
      { name: 'a slash in the name', body: channelName('bad/name') },
      { name: 'an empty name', body: channelName('') },
      { name: 'a 64-character name', body: channelName('x'.repeat(64)) },
      { name: 'no channel', body: { uid: '1' } },
      { name: 'an unknown field', body: { channel: 'ok', colour: 'blue' } },
      { name: 'hours out of range', body: { channel: 'ok', clientRequest: { resourceExpiredHour: 721 } } },
      { name: 'a half recording config', body: { channel: 'ok', clientRequest: { recordingConfig: { channelType: 0 } } } },
      { name: 'a string where a number goes', body: { channel: 'ok', clientRequest: { resourceExpiredHour: '24' } } },
      { name: 'an unknown mode', body: { channel: 'ok', mode: 'broadcast' } },
    ];
    for (const { name, body } of cases) {
      it(name, async () => {
        const errors = createValidator(op('createChannel'))({ values: { projectId: project.appId }, body });
        const answer = await call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth: basic(project.customerId, project.customerSecret!), body });
        expect(answer.status === 200, JSON.stringify({ errors, answer: answer.body })).toBe(errors.length === 0);
        if (answer.status !== 200) {
          expect(answer.status).toBe(400);
          // The field the server names is one the tester marks too.
          if (answer.body.details?.field) expect(errors.map((e) => e.field)).toContain(answer.body.details.field);
        }
      });
    }

    it('explains the channel-name rule inline, and checks path and query parameters', () => {
      const [error] = createValidator(op('createChannel'))({ values: { projectId: project.appId }, body: { channel: 'bad/name' } });
      expect(error).toMatchObject({ part: 'body', field: 'channel' });
      expect(error!.message).toContain('1-63 characters from');
      const listErrors = createValidator(op('listChannels'))({ values: { projectId: 'nope', limit: '0' }, body: undefined });
      expect(listErrors.map((e) => `${e.part}:${e.field}`).sort()).toEqual(['path:projectId', 'query:limit']);
      expect(createValidator(op('listChannels'))({ values: { projectId: project.appId, limit: '50' }, body: undefined })).toEqual([]);
    });
  });

  describe('generated code', () => {
    let request: SnippetRequest;
    beforeAll(() => {
      request = {
        method: 'POST',
        url: buildUrl(t.url, op('createChannel'), { projectId: project.appId }),
        auth: { scheme: 'basic', user: project.customerId, password: project.customerSecret! },
        // Shell and URL metacharacters the channel-name rule allows: quoting and escaping are exercised.
        body: { channel: SHELL_HOSTILE, uid: 'user_12345', clientRequest: { resourceExpiredHour: 24, recordingConfig: { channelType: 0, streamTypes: 2 } } },
      };
    });
    const language = (id: string) => CORE_LANGUAGES.find((l) => l.id === id)!;

    it('cURL runs in a shell and creates the channel', async () => {
      const { stdout } = await run('bash', ['-c', `${language('curl').write(request)} -sS`]);
      expect(JSON.parse(stdout)).toMatchObject({ code: 200, data: { channel: SHELL_HOSTILE, createdByUid: 'user_12345' } });
    });

    it('JavaScript passes node --check and runs on Node', async () => {
      const file = path.join(dir, 'snippet.mjs');
      fs.writeFileSync(file, language('javascript').write(request));
      await run(process.execPath, ['--check', file]);
      const { stdout } = await run(process.execPath, [file]);
      expect(stdout).toMatch(/^200 /);
    });

    it('Python parses (ast.parse) and, with requests installed, runs', async () => {
      const file = path.join(dir, 'snippet.py');
      fs.writeFileSync(file, language('python').write(request));
      await run('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', file]);
      if (await pythonHasRequests()) {
        const { stdout } = await run('python3', [file]);
        expect(stdout).toMatch(/^200 /);
      }
    });

    it('a Bearer GET with a query works in every core language', async () => {
      const minted = await call(t.url, 'POST', `/v1/projects/${project.appId}/tokens`, {
        auth: basic(project.customerId, project.customerSecret!),
        body: { channel: SHELL_HOSTILE, uid: 0, role: 'subscriber', expireSeconds: 600 },
      });
      const read: SnippetRequest = {
        method: 'GET',
        url: buildUrl(t.url, op('getChannel'), { projectId: project.appId, channel: SHELL_HOSTILE }),
        auth: { scheme: 'bearer', token: minted.body.data.token },
      };
      const { stdout } = await run('bash', ['-c', `${language('curl').write(read)} -sS`]);
      expect(JSON.parse(stdout)).toMatchObject({ code: 200 });
      const file = path.join(dir, 'read.mjs');
      fs.writeFileSync(file, language('javascript').write(read));
      expect((await run(process.execPath, [file])).stdout).toMatch(/^200 /);
      fs.writeFileSync(path.join(dir, 'read.py'), language('python').write(read));
      await run('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', path.join(dir, 'read.py')]);
    });

    it('httpsnippet writes the other languages; the JavaScript and shell ones parse', async () => {
      for (const more of MORE_LANGUAGES) {
        const code = await moreLanguageSnippet(request, more);
        expect(code, more.label).toContain(project.appId);
        if (more.id === 'node-axios') {
          const file = path.join(dir, 'axios.mjs');
          fs.writeFileSync(file, code);
          await run(process.execPath, ['--check', file]);
        }
        if (more.id === 'httpie') await run('bash', ['-n', '-c', code]);
      }
    });
  });
});
