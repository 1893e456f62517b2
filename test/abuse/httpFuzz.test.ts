/**
 * A schema-driven fuzz of the REST API: every operation the server's own OpenAPI document lists,
 * called with valid credentials and hostile input (wrong types, missing and extra fields, ~1 MB
 * and control-character strings, encoded slashes and dots in path parameters, prototype keys),
 * and Agora's routes likewise. Nothing may answer 5xx; every error must be the route family's
 * envelope. Seeded, so each run sends the same requests; bounded in count; loopback only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsFromOpenApi } from '../../apps/docs/src/api/fromOpenApi.ts';
import { sampleValue } from '../../apps/docs/src/api/sampleValue.ts';
import type { ApiOperation, JsonSchema, OpenApiDocument } from '../../apps/docs/src/api/types.ts';
import { isAgoraPath, type CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { rawRequest } from './rawHttp.ts';
import { CONTROL_STRING, HOSTILE_BODIES, HOSTILE_QUERY_VALUES, HOSTILE_SEGMENTS, HUGE_STRING, WRONG_VALUES, pick, seededRandom } from './hostileInput.ts';

const SEED = 20261203;
const CONCURRENCY = 8;

interface Probe {
  label: string;
  method: string;
  url: string;
  /** Raw body text; JSON unless contentType says otherwise. */
  body?: string;
  contentType?: string;
}

interface Answer {
  probe: Probe;
  status: number;
  body: any;
}

async function send(base: string, auth: string, probe: Probe): Promise<Answer> {
  const headers: Record<string, string> = { authorization: auth };
  if (probe.body !== undefined) headers['content-type'] = probe.contentType ?? 'application/json';
  const answer = await rawRequest(base, probe.method, probe.url, { headers, ...(probe.body !== undefined ? { body: probe.body } : {}) });
  return { probe, status: answer.status, body: answer.body };
}

async function sendAll(base: string, auth: string, probes: Probe[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < probes.length; i += CONCURRENCY) {
    answers.push(...(await Promise.all(probes.slice(i, i + CONCURRENCY).map((probe) => send(base, auth, probe)))));
  }
  return answers;
}

/** Why a Parley answer breaks the rules, or undefined: no 5xx; errors in the envelope, a 400 naming its field. */
function v1Problem({ status, body }: Answer): string | undefined {
  if (!body || typeof body !== 'object' || body.code !== status || typeof body.message !== 'string') return `not the envelope: ${JSON.stringify(body)?.slice(0, 200)}`;
  if (body.details !== undefined && typeof body.details.reason !== 'string') return `details without a reason: ${JSON.stringify(body)}`;
  if (status === 400 && !(typeof body.details?.field === 'string' && body.details.field !== '')) return `a 400 without a field: ${JSON.stringify(body)}`;
  return undefined;
}

/** Agora's shapes: gateway and Channel Management `{message}`, Cloud Recording `{code, reason}`. */
function agoraProblem({ body }: Answer): string | undefined {
  const keys = body && typeof body === 'object' ? Object.keys(body).sort().join(',') : '';
  if (keys === 'message' && typeof body.message === 'string') return undefined;
  if (keys === 'code,reason' && typeof body.code === 'number' && typeof body.reason === 'string') return undefined;
  return `not an Agora error shape: ${JSON.stringify(body)?.slice(0, 200)}`;
}

/** No 5xx anywhere; an error in the shape of the route family its path belongs to (as the server decides it). */
function problemOf(answer: Answer): string | undefined {
  if (answer.status >= 500) return `${answer.status}`;
  if (answer.status < 400) return undefined;
  return isAgoraPath(answer.probe.url) ? agoraProblem(answer) : v1Problem(answer);
}

function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => values[name] ?? 'x');
}

/** Every string-valued field path of a sample, for the string-specific probes. */
function fieldPaths(value: unknown, prefix: string[] = [], depth = 0): string[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 1) return [];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...fieldPaths(child, [...prefix, key], depth + 1)]);
}

function withField(base: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function withoutField(base: unknown, name: string): unknown {
  const { [name]: _dropped, ...rest } = base as Record<string, unknown>;
  return rest;
}

/** Hostile variations of one request: path, query and body, each alone, the rest left valid. */
function probesFor(method: string, template: string, valid: { path: Record<string, string>; query: Record<string, string>; queryNames: string[]; body?: unknown; bodySchema?: JsonSchema }, random: () => number): Probe[] {
  const url = (path: Record<string, string>, query: Record<string, string>) => {
    const search = new URLSearchParams(query).toString();
    return fillPath(template, path) + (search ? `?${search}` : '');
  };
  const json = valid.body === undefined ? undefined : JSON.stringify(valid.body);
  const probes: Probe[] = [{ label: 'valid', method, url: url(valid.path, valid.query), ...(json !== undefined ? { body: json } : {}) }];
  const keepBody = json !== undefined ? { body: json } : {};

  for (const name of Object.keys(valid.path)) {
    for (const segment of pick(HOSTILE_SEGMENTS, 8, random)) {
      probes.push({ label: `path ${name}=${segment.slice(0, 40)}`, method, url: url({ ...valid.path, [name]: segment }, valid.query), ...keepBody });
    }
  }
  for (const name of valid.queryNames) {
    for (const value of pick(HOSTILE_QUERY_VALUES, 5, random)) {
      probes.push({ label: `query ${name}=${value.slice(0, 40)}`, method, url: url(valid.path, { ...valid.query, [name]: value }), ...keepBody });
    }
  }
  const base = fillPath(template, valid.path);
  probes.push({ label: 'prototype keys in the query', method, url: `${base}?__proto__[polluted]=1&constructor[prototype][polluted]=1&toString=1`, ...keepBody });

  if (valid.body === undefined) return probes;
  for (const raw of HOSTILE_BODIES) probes.push({ label: `body ${raw.slice(0, 40)}`, method, url: url(valid.path, valid.query), body: raw });
  probes.push({ label: 'body as text/plain', method, url: url(valid.path, valid.query), body: json!, contentType: 'text/plain' });
  probes.push({ label: 'body with __proto__ beside valid fields', method, url: url(valid.path, valid.query), body: `{"__proto__":{"polluted":true},${json!.slice(1)}` });
  probes.push({ label: 'extra field', method, url: url(valid.path, valid.query), body: JSON.stringify({ ...(valid.body as object), unexpectedField: 1 }) });
  for (const name of valid.bodySchema?.required ?? []) {
    probes.push({ label: `missing ${name}`, method, url: url(valid.path, valid.query), body: JSON.stringify(withoutField(valid.body, name)) });
  }
  const paths = fieldPaths(valid.body);
  for (const path of paths) {
    for (const value of pick(WRONG_VALUES, 4, random)) {
      probes.push({ label: `${path.join('.')}=${JSON.stringify(value).slice(0, 30)}`, method, url: url(valid.path, valid.query), body: JSON.stringify(withField(valid.body, path, value)) });
    }
    probes.push({ label: `${path.join('.')}=control characters`, method, url: url(valid.path, valid.query), body: JSON.stringify(withField(valid.body, path, CONTROL_STRING)) });
  }
  // One ~1 MB string per operation, in its first field: enough to show size limits hold.
  if (paths[0]) probes.push({ label: `${paths[0].join('.')}=1 MB`, method, url: url(valid.path, valid.query), body: JSON.stringify(withField(valid.body, paths[0], HUGE_STRING)) });
  return probes;
}

describe.each(BACKENDS)('abuse: HTTP fuzz on $name', (backend) => {
  let t: TestServer;
  let operations: ApiOperation[];
  const started = Date.now();
  let sent = 0;

  beforeAll(async () => {
    // Webhooks to loopback are allowed here, so a real webhook exists to be fuzzed; SSRF is ssrf.test.ts's.
    t = await startTestServer(backend, { PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_BASE_MS: '600000' });
    const document = (await call(t.url, 'GET', '/v1/openapi.json')).body as OpenApiDocument;
    operations = operationsFromOpenApi(document);
  });
  afterAll(async () => {
    await t.stop();
    console.info(`abuse fuzz on ${backend.name}: ${sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  /** A project of its own (so its requests stay inside one account's rate limit) with a channel and a webhook. */
  async function fixture(): Promise<{ project: CreatedProject; auth: string; webhookId: string }> {
    const project = await t.createProject('enterprise');
    const auth = basic(project.customerId, project.customerSecret!);
    await call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'fuzz-room' } });
    const webhook = await call(t.url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: 'http://127.0.0.1:9/hook', enabled: false } });
    return { project, auth, webhookId: webhook.body.data.id };
  }

  it('lists every operation of the protocol', () => {
    expect(operations.length).toBeGreaterThanOrEqual(21);
  });

  it('answers hostile input to every v1 operation without a 5xx, each error in the envelope with its field', async () => {
    const random = seededRandom(SEED);
    const problems: string[] = [];
    // Agora's routes are in the document too; the next test fuzzes them within Agora's per-second limits.
    for (const operation of operations.filter((o) => !isAgoraPath(o.path))) {
      const { project, auth, webhookId } = await fixture();
      const known: Record<string, string> = { projectId: project.appId, channel: 'fuzz-room', uid: '42', webhookId };
      const path: Record<string, string> = {};
      const query: Record<string, string> = {};
      const queryNames: string[] = [];
      for (const parameter of operation.parameters) {
        const value = known[parameter.name] ?? String(parameter.example ?? sampleValue(parameter.schema) ?? 'x');
        if (parameter.in === 'path') path[parameter.name] = value;
        else {
          queryNames.push(parameter.name);
          if (parameter.required) query[parameter.name] = value;
        }
      }
      const body = operation.body ? (operation.body.example ?? sampleValue(operation.body.schema)) : undefined;
      const probes = probesFor(operation.method, operation.path, { path, query, queryNames, body, ...(operation.body ? { bodySchema: operation.body.schema } : {}) }, random);
      const answers = await sendAll(t.url, auth, probes);
      sent += answers.length;
      for (const answer of answers) {
        const problem = problemOf(answer);
        if (problem) problems.push(`${operation.operationId} ${answer.probe.label}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers hostile input to Agora\'s routes without a 5xx, each error in Agora\'s shapes', async () => {
    const random = seededRandom(SEED + 1);
    // Agora counts 10 requests a second per account and API, so each batch of 10 is sent by an
    // account of its own: the probes name a placeholder App ID, replaced by the batch's.
    const appid = 'f'.repeat(30) + 'zz';
    const resource = { appid, resourceid: 'r'.repeat(32), sid: '0'.repeat(32), mode: 'mix' };
    const session = { cname: 'fuzz-room', uid: '527', clientRequest: {} };
    const routes: Array<{ method: string; path: string; values: Record<string, string>; body?: unknown; query?: Record<string, string> }> = [
      { method: 'GET', path: '/dev/v1/channel/{appid}', values: { appid }, query: { page_no: '0', page_size: '100' } },
      { method: 'GET', path: '/dev/v1/channel/user/{appid}/{channelName}', values: { appid, channelName: 'fuzz-room' } },
      { method: 'GET', path: '/dev/v1/channel/user/{appid}/{channelName}/hosts_only', values: { appid, channelName: 'fuzz-room' } },
      { method: 'GET', path: '/dev/v1/channel/user/property/{appid}/{uid}/{channelName}', values: { appid, uid: '42', channelName: 'fuzz-room' } },
      { method: 'POST', path: '/dev/v1/kicking-rule', values: {}, body: { appid, cname: 'fuzz-room', uid: 42, ip: '', time: 1, privileges: ['join_channel'] } },
      { method: 'GET', path: '/dev/v1/kicking-rule', values: {}, query: { appid } },
      { method: 'PUT', path: '/dev/v1/kicking-rule', values: {}, body: { appid, id: 1, time: 1 } },
      { method: 'DELETE', path: '/dev/v1/kicking-rule', values: {}, body: { appid, id: 1 } },
      { method: 'POST', path: '/v1/apps/{appid}/cloud_recording/acquire', values: { appid }, body: { cname: 'fuzz-room', uid: '527', clientRequest: { resourceExpiredHour: 1 } } },
      { method: 'GET', path: '/v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/query', values: resource },
      { method: 'POST', path: '/v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/update', values: resource, body: session },
      { method: 'POST', path: '/v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/updateLayout', values: resource, body: session },
      { method: 'POST', path: '/v1/apps/{appid}/cloud_recording/resourceid/{resourceid}/sid/{sid}/mode/{mode}/stop', values: resource, body: session },
    ];
    const problems: string[] = [];
    for (const route of routes) {
      const query = route.query ?? {};
      const probes = probesFor(route.method, route.path, { path: route.values, query, queryNames: Object.keys(query), ...(route.body !== undefined ? { body: route.body } : {}) }, random);
      for (let i = 0; i < probes.length; i += 10) {
        const { project, auth } = await fixture();
        const batch = probes.slice(i, i + 10).map((probe) => ({
          ...probe,
          url: probe.url.replaceAll(appid, project.appId),
          ...(probe.body !== undefined ? { body: probe.body.replaceAll(appid, project.appId) } : {}),
        }));
        const answers = await sendAll(t.url, auth, batch);
        sent += answers.length;
        for (const answer of answers) {
          const problem = problemOf(answer);
          if (problem) problems.push(`${route.method} ${route.path} ${answer.probe.label}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
