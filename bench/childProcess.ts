/**
 * The benchmarks' child processes (servers under test, bots) and the line protocol to them: JSON
 * objects on stdin and stdout, each answered by one of the same `bench` type, or by one with an
 * `error` string. The first message is `{ bench: 'ready', ... }`. Other stdout lines are the
 * child's own logs and are passed on, never mistaken for protocol.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface BenchChild {
  /** The process id (valgrind and taskset run their program in the same process). */
  pid: number;
  /** The child's `ready` message. */
  ready: Record<string, unknown>;
  /** Sends one protocol message and waits for the reply of the same `bench` type. */
  ask<T = Record<string, unknown>>(message: { bench: string } & Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Closes stdin, which asks for a graceful stop; a child that hangs is killed after 10 s. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** Arguments after the script. */
  args?: string[];
  /** Node's own flags, before the script. */
  nodeArgs?: string[];
  /** A command and its arguments that run Node (valgrind's, taskset's). */
  wrapper?: string[];
  /** How long `ready` may take (valgrind starts slowly). */
  readyTimeoutMs?: number;
}

type Child = ChildProcessByStdio<Writable, Readable, null>;
type Waiter = { resolve: (message: Record<string, unknown>) => void; reject: (error: Error) => void };

/** Starts `script` (an absolute path) in a Node process of its own, named `name` in errors and logs. */
export async function startChild(script: string, name: string, options: ChildOptions = {}): Promise<BenchChild> {
  const command = [...(options.wrapper ?? []), process.execPath, ...(options.nodeArgs ?? []), script, ...(options.args ?? [])];
  const child: Child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<string, Waiter>();
  let exited: Error | undefined;

  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = parse(line);
    const type = typeof message?.bench === 'string' ? message.bench : undefined;
    const waiter = type === undefined ? undefined : waiting.get(type);
    if (!waiter || !message || type === undefined) {
      process.stderr.write(`[${name}] ${line}\n`);
      return;
    }
    waiting.delete(type);
    if (typeof message.error === 'string') waiter.reject(new Error(`${name}: ${message.error}`));
    else waiter.resolve(message);
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = new Error(`${name} exited (${signal ?? `code ${code}`})`);
      for (const waiter of waiting.values()) waiter.reject(exited);
      waiting.clear();
      resolve();
    });
  });

  function waitFor(type: string, timeoutMs: number): Promise<Record<string, unknown>> {
    if (exited) return Promise.reject(exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(type);
        reject(new Error(`${name}: no ${type} reply within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(type, {
        resolve: (message) => (clearTimeout(timer), resolve(message)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  const ready = await waitFor('ready', options.readyTimeoutMs ?? 30_000);
  return {
    pid: child.pid!,
    ready,
    ask<T>(message: { bench: string } & Record<string, unknown>, timeoutMs = 60_000) {
      const reply = waitFor(message.bench, timeoutMs);
      child.stdin.write(`${JSON.stringify(message)}\n`);
      return reply as Promise<T>;
    },
    async stop() {
      if (exited) return;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
