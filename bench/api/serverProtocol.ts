/**
 * The server side of the API benchmarks' line protocol (../childProcess.ts speaks the other side),
 * shared by bareServer.ts, floorServer.ts and parleyServer.ts. One JSON object per line:
 * - stdout `{"bench":"ready","url":…}` once the server listens;
 * - stdin `{"bench":"cpu"}` → stdout `{"bench":"cpu","user":…,"system":…}`: CPU time used so far
 *   (µs, in user space and in the kernel);
 * - stdin `{"bench":"accounts","count":N}` → stdout `{"bench":"accounts","accounts":[…]}`: N new
 *   accounts, each with a project, for servers that check credentials;
 * - stdin closing → the server stops and the process exits. It also closes when the parent
 *   crashes, so no orphan stays.
 * Other stdout lines are the server's own logs, which the parent passes on.
 */
import readline from 'node:readline';

/** The channel every bench account's project has, which the measured `GET channel` asks for. */
export const CHANNEL = 'bench-room';

export interface BenchAccount {
  appId: string;
  customerId: string;
  customerSecret: string;
}

export interface BenchServerSide {
  /** What the `ready` message carries besides its type (the URL at least). */
  ready: { url: string } & Record<string, unknown>;
  /** Makes `count` accounts; absent for servers that take no credentials. */
  createAccounts?: (count: number) => Promise<BenchAccount[]>;
  /** Stops the server and exits with `code` (1 when the accounts could not be made). */
  stop: (code: number) => Promise<void>;
}

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export function answerBenchProtocol({ ready, createAccounts, stop }: BenchServerSide): void {
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const message = JSON.parse(line) as { bench?: string; count?: number };
    if (message.bench === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ bench: 'cpu', user, system });
    } else if (message.bench === 'accounts' && createAccounts && Number.isInteger(message.count)) {
      createAccounts(message.count ?? 0).then(
        (accounts) => send({ bench: 'accounts', accounts }),
        (error: unknown) => {
          process.stderr.write(`could not create accounts: ${String(error)}\n`);
          void stop(1);
        },
      );
    }
  });
  lines.on('close', () => void stop(0));
  send({ bench: 'ready', ...ready });
}
