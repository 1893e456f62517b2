/**
 * The baseline of the API benchmark: a bare Fastify hello-world, the ceiling any Fastify route
 * can reach on this machine. Runs as its own process (started by run.ts) so the load generator
 * never shares its event loop.
 *
 * Protocol with run.ts, one JSON object per line:
 * - stdout `{"bench":"ready","url":…}` once it listens;
 * - stdin `{"bench":"cpu"}` → stdout `{"bench":"cpu","user":…,"system":…}`: CPU time used so far
 *   (µs, in user space and in the kernel), so
 *   run.ts can tell whether this server or the load generator was the bottleneck;
 * - stdin closing → the server closes and the process exits.
 */
import readline from 'node:readline';
import Fastify from 'fastify';

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

// Fastify's defaults (no logger, no plugins): the floor Parley's stack is compared against.
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (typeof address !== 'object' || !address) throw new Error('bare server has no TCP address');

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const message = JSON.parse(line) as { bench?: string };
  if (message.bench === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ bench: 'cpu', user, system });
  }
});
// stdin closing is the stop signal: it also fires when the parent crashes, so no orphan stays.
lines.on('close', () => {
  void app.close().then(() => process.exit(0));
});

send({ bench: 'ready', url: `http://127.0.0.1:${address.port}` });
