/**
 * Cascading across three `parley serve` processes with a cap of 2 participants of a channel per
 * node: five browsers joining through whichever node end up 2 + 2 + 1 on the three nodes, and
 * each of them decodes the other four's video and audio, relayed between nodes. REST through any
 * node lists all five once; a kick through one node reaches a user connected to another, and the
 * others see that user leave. A recording of the channel has a file of each of the five.
 */
import type { Page } from 'playwright-core';
import { RecordingStatus } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, type CallTabs } from '../browser/support/callTabs.ts';
import { participantsCarried, type TestCluster } from '../support/cluster.ts';
import { ffprobe } from '../support/media.ts';
import { call } from '../support/server.ts';
import { startBrowserCluster, type BrowserCluster } from './support/browserCluster.ts';

const USERS = ['ann', 'ben', 'cat', 'dan', 'eve'];

describe('a channel cascaded over three nodes, two participants per node', () => {
  let setup: BrowserCluster;
  let cluster: TestCluster;
  let tabsVia: CallTabs[];

  beforeAll(async () => {
    setup = await startBrowserCluster(3, { PARLEY_CHANNEL_NODE_CAP: '2' });
    ({ cluster, tabsVia } = setup);
  }, 120_000);

  afterAll(async () => {
    await setup?.close();
  });

  /** What the page and the nodes saw, printed when a check is about to fail. */
  async function explain(page: Page): Promise<void> {
    console.log(await page.evaluate(() => (window as unknown as { log: string[] }).log));
    for (const node of cluster.nodes) console.log(node.id, node.logLines.filter((line) => /"level":(40|50)|relay of a track/.test(line)).slice(-30).join('\n'));
  }

  const participantsVia = (nodeIndex: number, channel: string) => setup.participantsVia(nodeIndex, channel);

  it('carries five participants on three nodes, everyone seeing everyone, and a kick through any node reaches its user', { timeout: 180_000 }, async () => {
    // One after another, each through a different node, so each join sees the counts of the ones before.
    const pages: Page[] = [];
    // Five tabs each encoding a camera and decoding four on two cores: small pictures keep the nodes' heartbeats on time.
    for (const [i, uid] of USERS.entries()) pages.push(await tabsVia[i % 3]!.joinTab('wide', uid, { encoderConfig: '120p' }));
    const carried = await until(() => Promise.all(cluster.nodes.map((node) => participantsCarried(node))), (counts) => counts.reduce((a, b) => a + b, 0) === 5);
    expect([...carried].sort()).toEqual([1, 2, 2]);

    for (const [i, page] of pages.entries()) {
      for (const other of USERS.filter((_, j) => j !== i)) {
        const decoded = await until(() => tabsVia[i % 3]!.decodedFrom(page, other), (s) => s.frames >= 10 && s.audioBytes > 0, 30_000);
        if (decoded.frames < 10 || decoded.audioBytes === 0) await explain(page);
        expect(decoded.frames, `${USERS[i]} sees ${other}`).toBeGreaterThanOrEqual(10);
        expect(decoded.audioBytes, `${USERS[i]} hears ${other}`).toBeGreaterThan(0);
      }
    }
    for (let i = 0; i < 3; i++) expect(await participantsVia(i, 'wide')).toEqual([...USERS].sort());

    // A recording runs on the channel's node and records everyone, the users relayed there too.
    const base = `/v1/projects/${cluster.project.appId}/channels/wide/recordings`;
    const started = await call(cluster.nodes[1]!.url, 'POST', base, { auth: setup.auth, body: { uid: '900', mode: 'individual', streamTypes: 0, avFileType: ['hls'] } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const stopped = await call(cluster.nodes[2]!.url, 'POST', `${base}/${started.body.data.sid}/stop`, { auth: setup.auth, body: {} });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    // Stop waits for the files up to a limit; on a loaded machine it can answer while they are
    // still being made (status 7), and the recording exits (8) once they are.
    const recording = await until(
      () => call(cluster.nodes[0]!.url, 'GET', `${base}/${started.body.data.sid}`, { auth: setup.auth }),
      (answer) => answer.status !== 200 || answer.body.data.status >= RecordingStatus.exited,
      60_000,
    );
    const seen = `${JSON.stringify(stopped.body)} ${JSON.stringify(recording.body)}`;
    expect(recording.status, seen).toBe(200);
    expect(recording.body.data.status, seen).toBe(RecordingStatus.exited);
    const files = (recording.body.data.fileList as Array<{ uid: string; trackType: string; fileName: string; downloadUrl: string }>).filter((file) => file.fileName.endsWith('.m3u8'));
    expect(files.map((file) => `${file.uid}/${file.trackType}`).sort()).toEqual(USERS.map((uid) => `${uid}/audio`));
    const probe = await ffprobe(`${cluster.nodes[0]!.url}${files.find((file) => file.uid === 'eve')!.downloadUrl}`, `Authorization: ${setup.auth}\r\n`);
    expect(probe.audio, 'eve, relayed to the recording node, is in her file').toMatchObject({ codec: 'aac' });

    // eve joined last: she is alone on the third node. Kicked through another node.
    const eveNode = (await Promise.all(cluster.nodes.map((node) => participantsCarried(node)))).indexOf(1);
    const through = (eveNode + 1) % 3;
    const kicked = await call(cluster.nodes[through]!.url, 'POST', `/v1/projects/${cluster.project.appId}/channels/wide/users/eve/kick`, { auth: setup.auth, body: {} });
    expect(kicked.status, JSON.stringify(kicked.body)).toBe(200);
    const annLog = () => pages[0]!.evaluate(() => (window as unknown as { log: string[] }).log);
    await until(annLog, (log) => log.some((line) => line.startsWith('left:eve:')));
    await until(() => participantsVia(through, 'wide'), (uids) => !uids.includes('eve'));
    expect(await participantsVia(0, 'wide')).toEqual(['ann', 'ben', 'cat', 'dan']);
    for (const page of pages) await page.close();
  });
});
