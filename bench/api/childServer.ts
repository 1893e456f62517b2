/**
 * The API benchmarks' servers under test, each in a child process (bareServer.ts, parleyServer.ts),
 * and the line protocol to them: JSON objects on stdin and stdout, each answered by one of the same
 * `bench` type; other stdout lines are the server's own logs and are passed on.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type autocannon from 'autocannon';
import { PLAN_RATE_LIMITS } from '@parley/server';
import type { BenchAccount } from './parleyServer.ts';

export const CHANNEL = 'bench-room';

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

type Child = ChildProcessByStdio<Writable, Readable, null>;

/**
 * Starts `file` (bareServer.ts or parleyServer.ts) in a Node process of its own, with `nodeArgs`,
 * under `wrapper` when given (a command and its arguments that run Node, e.g. valgrind's).
 */
export async function startChild(file: string, name: string, args: string[] = [], nodeArgs: string[] = [], wrapper: string[] = []): Promise<ChildServer> {
  const command = [...wrapper, process.execPath, ...nodeArgs, path.join(import.meta.dirname, file), ...args];
  const child: Child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<string, { resolve: (message: unknown) => void; reject: (error: Error) => void }>();
  let exited: Error | undefined;

  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let message: { bench?: unknown } | undefined;
    try {
      message = JSON.parse(line) as { bench?: unknown };
    } catch {
      message = undefined;
    }
    const waiter = typeof message?.bench === 'string' ? waiting.get(message.bench) : undefined;
    if (waiter && typeof message?.bench === 'string') {
      waiting.delete(message.bench);
      waiter.resolve(message);
    } else {
      // The server's own logs (warn and above): shown, never mistaken for protocol.
      process.stderr.write(`[${name}] ${line}\n`);
    }
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = new Error(`${name} exited (${signal ?? `code ${code}`})`);
      for (const waiter of waiting.values()) waiter.reject(exited);
      waiting.clear();
      resolve();
    });
  });

  function waitFor<T>(type: string): Promise<T> {
    if (exited) return Promise.reject(exited);
    return new Promise<T>((resolve, reject) => waiting.set(type, { resolve: resolve as (message: unknown) => void, reject }));
  }

  const ready = await waitFor<{ url: string }>('ready');
  return {
    pid: child.pid!,
    url: ready.url,
    ask<T>(message: { bench: string } & Record<string, unknown>) {
      const reply = waitFor<T>(message.bench);
      child.stdin.write(`${JSON.stringify(message)}\n`);
      return reply;
    },
    async stop() {
      if (exited) return;
      // Closing stdin asks for a graceful stop; a child that hangs is killed (by its own id).
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    },
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
