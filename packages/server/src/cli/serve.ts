/**
 * `parley serve`: runs the platform until SIGINT/SIGTERM, then shuts down gracefully (after
 * draining, on SIGTERM, when it is a node of a cluster).
 */
import type { Config } from '../config/index.ts';
import { startServer } from '../server.ts';
import { formatConsoleOwner, formatCredentials, formatUrls } from './credentialsBanner.ts';

export async function serveCommand(config: Config): Promise<void> {
  const server = await startServer(config);
  if (server.firstRun) {
    // Printed to the terminal, never to the log: the secret must not end up in log storage.
    process.stdout.write(`\n${formatCredentials('First start: an account and a demo project were created', server.firstRun)}\n\n`);
    process.stdout.write(`${formatConsoleOwner(server.firstRun)}\n\n`);
  }
  process.stdout.write(`${formatUrls(server.url, { demo: config.node.dev })}\n\n`);
  server.app.log.info({ url: server.url, store: server.services.store.kind, live: server.services.live.kind }, 'Parley is listening');
  await new Promise<void>((resolve) => {
    let stopping = false;
    // A second signal while draining cuts the drain short.
    let cutShort: () => void = () => {};
    const secondSignal = new Promise<void>((resolve) => (cutShort = resolve));
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return cutShort();
      stopping = true;
      server.app.log.info({ signal }, 'shutting down');
      // SIGTERM (systemd, Kubernetes, docker stop) drains a cluster node first; Ctrl+C stops at once.
      const drained = signal === 'SIGTERM' ? server.drain({ cutShort: secondSignal }) : Promise.resolve();
      drained
        .catch((error: unknown) => server.app.log.error({ err: error }, 'draining failed; stopping anyway'))
        .then(() => server.close())
        .then(resolve, (error: unknown) => {
          server.app.log.error({ err: error }, 'shutdown failed');
          resolve();
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  server.app.log.info('stopped');
  // Everything of ours is closed; a timer or socket a library still holds (a WebRTC agent's
  // retransmission timers run for seconds) must not keep a stopped server's process up.
  setTimeout(() => {
    server.app.log.info({ resources: process.getActiveResourcesInfo() }, 'exiting though libraries still hold these resources');
    process.exit();
  }, EXIT_GRACE_MS).unref();
}

/** How long a stopped server's process may wait for the resources libraries still hold. */
const EXIT_GRACE_MS = 1_000;
