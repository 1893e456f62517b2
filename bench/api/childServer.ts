/**
 * The API benchmarks' servers under test, each in a child process (bareServer.ts, parleyServer.ts)
 * spoken to through ../childProcess.ts, and the bench channel's requests.
 */
import path from 'node:path';
import type autocannon from 'autocannon';
import { PLAN_RATE_LIMITS } from '@parley/server';
import { startChild as startBenchChild } from '../childProcess.ts';
import { CHANNEL, type BenchAccount } from './serverProtocol.ts';

/**
 * Requests one account may receive in one run: 80% of its plan's per-minute limit, leaving room
 * for the setup requests and a fixed window that a run may straddle.
 */
export const REQUESTS_PER_ACCOUNT = Math.floor(PLAN_RATE_LIMITS.enterprise * 0.8);

export interface ChildServer {
  /** The process id (valgrind runs its program in the same process). */
  pid: number;
  url: string;
  /** Sends one protocol message and waits for the reply of the same `bench` type. */
  ask<T>(message: { bench: string } & Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

/** Under valgrind a server starts in minutes and a reply can take as long: no bench limit is hit here. */
const PATIENCE_MS = 30 * 60_000;

/**
 * Starts `file` (bareServer.ts or parleyServer.ts) in a Node process of its own, with `nodeArgs`,
 * under `wrapper` when given (a command and its arguments that run Node, e.g. valgrind's).
 */
export async function startChild(file: string, name: string, args: string[] = [], nodeArgs: string[] = [], wrapper: string[] = []): Promise<ChildServer> {
  const child = await startBenchChild(path.join(import.meta.dirname, file), name, { args, nodeArgs, wrapper, readyTimeoutMs: PATIENCE_MS });
  return {
    pid: child.pid,
    url: String(child.ready.url),
    ask: (message) => child.ask(message, PATIENCE_MS),
    stop: () => child.stop(),
  };
}

export function basicAuth(account: BenchAccount): string {
  return `Basic ${Buffer.from(`${account.customerId}:${account.customerSecret}`).toString('base64')}`;
}

/**
 * Enough accounts, each with the bench channel, that `requests` requests spread round-robin over
 * them stay under REQUESTS_PER_ACCOUNT each; returned as prebuilt autocannon requests (no
 * per-request setup function, so autocannon costs the same per request as for the bare server).
 */
export async function channelRequests(parley: ChildServer, requests: number): Promise<autocannon.Request[]> {
  const count = Math.max(1, Math.ceil(requests / REQUESTS_PER_ACCOUNT));
  const { accounts } = await parley.ask<{ accounts: BenchAccount[] }>({ bench: 'accounts', count });
  // The channel is made the way a customer makes it: through the API, with the account's credentials.
  for (let i = 0; i < accounts.length; i += 16) {
    await Promise.all(
      accounts.slice(i, i + 16).map(async (account) => {
        const response = await fetch(`${parley.url}/v1/projects/${account.appId}/rtc/channels`, {
          method: 'POST',
          headers: { authorization: basicAuth(account), 'content-type': 'application/json' },
          body: JSON.stringify({ channel: CHANNEL }),
        });
        if (!response.ok) throw new Error(`creating the bench channel answered ${response.status}: ${await response.text()}`);
      }),
    );
  }
  return accounts.map((account) => ({
    method: 'GET',
    path: `/v1/projects/${account.appId}/channels/${CHANNEL}`,
    headers: { authorization: basicAuth(account) },
  }));
}
