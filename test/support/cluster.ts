/**
 * A cluster of `parley serve` processes on this machine, sharing one PostgreSQL schema and one
 * Redis key prefix (their own, so clusters of different test files never meet), each with its own
 * node id, port, data folder and media port, as separate machines would be. Nodes can be killed
 * (kill -9 or SIGTERM) and started again on the same port and data.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { createPostgresSchema, POSTGRES_URL, REDIS_URL, uniqueName } from './backends.ts';
import { metricValue } from './metrics.ts';
import { exited, freePort, PARLEY_BIN, serveProcess } from './parleyProcess.ts';

export interface ClusterNode {
  id: string;
  url: string;
  port: number;
  /** The running process (replaced by `start`). */
  child: ChildProcess;
  /** Everything the node logged (pino JSON lines), across restarts. */
  logLines: string[];
  /** Sends `signal` and resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node again, same id, port and data. */
  start(): Promise<void>;
}

export interface TestCluster {
  nodes: ClusterNode[];
  project: CreatedProject;
  /** Settings every node shares (database, Redis, secret key), for CLI commands against the cluster. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const NODE_NAMES = ['a', 'b', 'c', 'd', 'e'];

export async function startCluster(size: number, extraEnv: Record<string, string> = {}): Promise<TestCluster> {
  const schema = await createPostgresSchema();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cluster-'));
  const env: Record<string, string> = {
    PARLEY_DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`,
    PARLEY_REDIS_URL: REDIS_URL,
    PARLEY_REDIS_PREFIX: `${uniqueName('parley_cluster')}:`,
    PARLEY_SECRET_KEY: uniqueName('cluster_secret'),
    PARLEY_LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const nodes: ClusterNode[] = [];
  const close = async () => {
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
    await schema.drop().catch(() => {});
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    // The schema is migrated once, before the nodes start side by side.
    const { stdout } = await promisify(execFile)(process.execPath, [PARLEY_BIN, 'project', 'create', '--name', 'cluster', '--plan', 'enterprise', '--json'], {
      env: { ...process.env, ...env, PARLEY_DATA_DIR: path.join(root, 'cli') },
    });
    const project = JSON.parse(stdout) as CreatedProject;
    const made = await Promise.all(NODE_NAMES.slice(0, size).map(async (name) => makeNode(`node-${name}`, path.join(root, name), env)));
    nodes.push(...made);
    return { nodes, project, env, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function makeNode(id: string, dataDir: string, shared: Record<string, string>): Promise<ClusterNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logLines: string[] = [];
  const launch = () => serveProcess(dataDir, port, { env: { ...shared, PARLEY_NODE_ID: id, PARLEY_NODE_URL: url }, logLines, startTimeoutMs: 45_000 });
  const node: ClusterNode = {
    id,
    url,
    port,
    child: await launch(),
    logLines,
    async stop(signal = 'SIGTERM') {
      const { child } = node;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited(child);
    },
    async start() {
      node.child = await launch();
    },
  };
  return node;
}

/** How many participants a node carries, by its own count (its `/metrics`). */
export async function participantsCarried(node: { url: string }): Promise<number> {
  return (await metricValue(node.url, 'parley_rtc_participants')) ?? NaN;
}

/** A raw signaling socket joined to a channel of the cluster's project (see joinRaw). */
export interface RawJoin {
  reply: { type: string; url?: string };
  /** The node the socket ended up on (after a redirect). */
  at: string;
  socket: WebSocket;
  /** Every message the server sent after the join answer. */
  messages: Array<{ type: string; [key: string]: unknown }>;
  /** Resolves to the close code when the socket closes. */
  closed: Promise<number>;
}

/** Joins `channel` as `uid` through `node` on a bare socket, following one redirect as the SDK does. */
export async function joinRaw(cluster: TestCluster, node: { url: string }, channel: string, uid: string): Promise<RawJoin> {
  const { appId, appCertificate } = cluster.project;
  const token = buildRtcToken({ appId, appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
  const socket = new WebSocket(`${node.url.replace('http', 'ws')}/v1/rtc`);
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  const messages: RawJoin['messages'] = [];
  const reply = await new Promise<RawJoin['reply']>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'join', requestId: 'j', appId, channel, uid, token })));
    socket.once('message', (data) => {
      resolve(JSON.parse(String(data)) as RawJoin['reply']);
      socket.on('message', (more) => messages.push(JSON.parse(String(more)) as RawJoin['messages'][number]));
    });
  });
  if (reply.type === 'redirect') {
    socket.close();
    return joinRaw(cluster, { url: reply.url! }, channel, uid);
  }
  return { reply, socket, closed, messages, at: node.url };
}
