/**
 * `GET /v1/cluster/nodes` on both backends: the operator account's owners see the node (one
 * node alone lists itself, serving, with its load); owners of other accounts, viewers and
 * strangers do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { addConsoleUser, signIn, startConsoleFixture, type ConsoleFixture, type SignedInUser } from '../support/consoleUsers.ts';
import { basic, call } from '../support/server.ts';

const NODES = '/v1/cluster/nodes';

describe.each(BACKENDS)('the cluster\'s nodes on $name', (backend) => {
  let fixture: ConsoleFixture;
  let otherOwner: SignedInUser;

  beforeAll(async () => {
    fixture = await startConsoleFixture(backend);
    // A second account on the same server: a tenant, not the operator.
    const tenant = await fixture.t.createProject('pro');
    await addConsoleUser(fixture.t, tenant, 'tenant-owner@example.com', 'owner');
    otherOwner = await signIn(fixture.t, 'tenant-owner@example.com');
  });
  afterAll(() => fixture.t.stop());

  it('lists this node, serving, with its URL and load, to the operator account\'s owner', async () => {
    const res = await fixture.as(fixture.owner, 'GET', NODES);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.nodes).toEqual([
      {
        id: fixture.t.config.node.id,
        url: fixture.t.url,
        state: 'serving',
        self: true,
        participants: 0,
        rooms: 0,
        forwardedStreams: 0,
        cpu: expect.any(Number),
        cores: expect.any(Number),
        startedAt: expect.any(String),
        heartbeatAgeMs: expect.any(Number),
      },
    ]);
    expect(res.body.data.nodes[0].heartbeatAgeMs).toBeLessThan(3_000);
  });

  it('refuses owners of other accounts, viewers, Basic credentials and strangers', async () => {
    expect((await fixture.as(otherOwner, 'GET', NODES)).status).toBe(403);
    expect((await fixture.as(fixture.viewer, 'GET', NODES)).status).toBe(403);
    expect((await call(fixture.t.url, 'GET', NODES, { auth: basic(fixture.project.customerId, fixture.project.customerSecret!) })).status).toBe(401);
    const stranger = await call(fixture.t.url, 'GET', NODES);
    expect(stranger.status).toBe(401);
    expect(stranger.body).toMatchObject({ code: 401, message: expect.any(String) });
  });
});
