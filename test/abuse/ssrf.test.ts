/**
 * SSRF: with the private-address allowances off (the default), every URL that leads into the
 * server's own network is refused with a 400 envelope, as a webhook, as a recording's S3 endpoint
 * (v1) and as an Agora storageConfig endpoint: loopback, private, CGNAT, link-local (cloud
 * metadata), multicast, unspecified, IPv6 forms, IPv4-mapped IPv6, decimal/octal/hex spellings, and
 * names that resolve to loopback. Redirects are covered where deliveries are (webhooks tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const HOSTS = [
  '127.0.0.1',
  '127.1',
  '127.0.0.255',
  '2130706433',
  '0x7f000001',
  '0x7f.0.0.1',
  '0177.0.0.1',
  '017700000001',
  '0',
  '0.0.0.0',
  'localhost',
  'localhost.',
  'LOCALHOST',
  '[::1]',
  '[::]',
  '[0:0:0:0:0:0:0:1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::ffff:169.254.169.254]',
  '[::ffff:10.0.0.1]',
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.254',
  '192.168.0.1',
  '100.64.0.1',
  '169.254.169.254',
  '169.254.170.2',
  '[fe80::1]',
  '[fd00::1]',
  '[fc00::1]',
  '224.0.0.1',
  '239.255.255.250',
  '255.255.255.255',
  '198.18.0.1',
];

/** A storage endpoint refused for where it leads (a name that resolves nowhere, `localhost.` here, is refused too). */
const REFUSED_FOR_ADDRESS = /PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS|does not resolve/;

const URLS = HOSTS.flatMap((host) => [`http://${host}/hook`, `https://${host}:8443/x?y=1`]);

describe.each(BACKENDS)('abuse: SSRF on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
  });
  afterAll(() => t.stop());

  it(`refuses ${URLS.length} webhook URLs into private networks with a 400 envelope naming url, and keeps none`, async () => {
    const accepted: string[] = [];
    for (const url of URLS) {
      const res = await call(t.url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url } });
      if (res.status !== 400 || res.body?.code !== 400 || res.body.details?.field !== 'url') accepted.push(`${url} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(accepted).toEqual([]);
    const listed = await call(t.url, 'GET', `/v1/projects/${project.appId}/webhooks`, { auth });
    expect(listed.body.data.webhooks).toEqual([]);
  });

  it('refuses the same hosts as a webhook\'s new URL (PATCH)', async () => {
    const created = await call(t.url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: 'https://93.184.215.14/hook' } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const url = `/v1/projects/${project.appId}/webhooks/${created.body.data.id}`;
    const accepted: string[] = [];
    for (const host of HOSTS) {
      const res = await call(t.url, 'PATCH', url, { auth, body: { url: `http://${host}/hook` } });
      if (res.status !== 400 || res.body?.code !== 400) accepted.push(`${host} → ${res.status}`);
    }
    expect(accepted).toEqual([]);
    await call(t.url, 'DELETE', url, { auth });
  });

  it('refuses the same hosts as a v1 recording\'s S3 endpoint, before anything is recorded', async () => {
    const accepted: string[] = [];
    for (const host of HOSTS) {
      const storage = { s3: { endpoint: `http://${host}:9000`, bucket: 'b', accessKey: 'k', secretKey: 's' } };
      const res = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/ssrf-room/recordings`, { auth, body: { uid: '527841', storage } });
      // Refused for its address, not for failing to connect: the reason says how to allow private endpoints.
      if (res.status !== 400 || res.body?.code !== 400 || !REFUSED_FOR_ADDRESS.test(res.body.details?.reason)) accepted.push(`${host} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(accepted).toEqual([]);
    const listed = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/ssrf-room/recordings`, { auth });
    expect(listed.body.data.recordings ?? listed.body.data).toHaveLength(0);
  });

  it('refuses the same hosts as an Agora storageConfig endpoint (vendor 11) with Agora\'s invalid parameter', async () => {
    const accepted: string[] = [];
    for (const host of HOSTS) {
      // Agora's limits are 10 a second per API: a fresh account for each start keeps them out of the way.
      const own = await t.createProject('enterprise');
      const ownAuth = basic(own.customerId, own.customerSecret!);
      const base = `/v1/apps/${own.appId}/cloud_recording`;
      const acquired = await call(t.url, 'POST', `${base}/acquire`, { auth: ownAuth, body: { cname: 'ssrf-room', uid: '527', clientRequest: {} } });
      expect(acquired.status, JSON.stringify(acquired.body)).toBe(200);
      const storageConfig = { vendor: 11, region: 0, bucket: 'b', accessKey: 'k', secretKey: 's', extensionParams: { endpoint: `http://${host}:9000` } };
      const res = await call(t.url, 'POST', `${base}/resourceid/${acquired.body.resourceId}/mode/mix/start`, {
        auth: ownAuth,
        body: { cname: 'ssrf-room', uid: '527', clientRequest: { storageConfig } },
      });
      if (res.status !== 400 || res.body?.code !== 2 || !REFUSED_FOR_ADDRESS.test(res.body.reason)) accepted.push(`${host} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(accepted).toEqual([]);
  });
});
