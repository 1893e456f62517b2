/**
 * Starting and stopping a Parley server: open the store and live state, migrate, make the demo
 * project on first start, listen, and shut down gracefully.
 */
import os from 'node:os';
import type tls from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { LeaveReason } from '@parley/protocol';
import type { Config } from './config/index.ts';
import { generatePassword } from './console/passwords.ts';
import { buildApp } from './http/app.ts';
import { trackConnections } from './http/connectionCloser.ts';
import { createLogger } from './log/createLogger.ts';
import { openLiveState } from './live/index.ts';
import { readTlsPair, watchTlsFiles, type TlsFiles } from './net/tlsFiles.ts';
import type { CreatedProject } from './projects/service.ts';
import { openMediaNetwork, type OpenedMediaNetwork } from './rtc/mediaNetwork.ts';
import { Reaper } from './cluster/index.ts';
import { drainNode } from './cluster/drain.ts';
import { createServices, type Services } from './services.ts';
import { openStore } from './store/database.ts';
import { migrateToLatest } from './store/migrate.ts';
import { tuneProcess } from './processTuning.ts';

const SHUTDOWN_WRITE_GRACE_MS = 5_000;
/** How long requests still running when the calls have ended get to finish before their connections are cut. */
const SHUTDOWN_HTTP_GRACE_MS = 5_000;

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  /** Base URL, e.g. http://127.0.0.1:8080, or https://… when Parley serves TLS itself. */
  url: string;
  /** Set when this start created the first account: credentials to show once. */
  firstRun: FirstRun | undefined;
  /**
   * Leaves the cluster gently (SIGTERM): no new channel is placed here, calls may go on for up
   * to PARLEY_DRAIN_SECONDS, then the clients still here are sent to other nodes. Does nothing
   * without other serving nodes. `cutShort` ends the wait early (a second signal).
   */
  drain(options?: { cutShort?: Promise<unknown> }): Promise<void>;
  close(): Promise<void>;
}

/** What a first start made: the account's credentials and demo project, and the console's first owner. */
export interface FirstRun extends CreatedProject {
  consoleOwner: { email: string; password: string };
}

export const FIRST_OWNER_EMAIL = 'admin@localhost';

async function bootstrap(services: Services): Promise<FirstRun> {
  const created = await services.projects.createDemoProject();
  const account = await services.projects.findAccountByCustomerId(created.customerId);
  const password = generatePassword();
  await services.console.users.create({ accountId: account!.id, email: FIRST_OWNER_EMAIL, password, role: 'owner' });
  return { ...created, consoleOwner: { email: FIRST_OWNER_EMAIL, password } };
}

/** This node's URL when PARLEY_NODE_URL is unset: the listener's, with the host name in place of a wildcard address. */
function nodeUrl(listenerUrl: string, host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return listenerUrl;
  const url = new URL(listenerUrl);
  url.hostname = os.hostname();
  return url.origin;
}

export interface StartOptions {
  /** PostgreSQL schema to use (tests isolate themselves with one). */
  postgresSchema?: string;
  /** Make an account and demo project when the store has none (default true). */
  bootstrap?: boolean;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  tuneProcess();
  // Read first: a missing or broken certificate stops the start before anything is opened.
  const tlsFiles: TlsFiles | undefined = config.http.tlsCert && config.http.tlsKey ? { cert: config.http.tlsCert, key: config.http.tlsKey } : undefined;
  const tlsPair = tlsFiles && readTlsPair(tlsFiles);
  const store = openStore({ ...config.store, ...(options.postgresSchema ? { postgresSchema: options.postgresSchema } : {}) });
  // One logger for the whole server; Fastify's request logs are its children.
  const logger = createLogger(config.log);
  let live: Awaited<ReturnType<typeof openLiveState>> | undefined;
  let media: OpenedMediaNetwork | undefined;
  try {
    await migrateToLatest(store.db);
    live = await openLiveState({ ...config.live, nodeId: config.node.id });
    media = await openMediaNetwork(config, logger);
    const services = createServices(store, live, config, logger, media);
    // Sessions this node hosted when it last stopped (a crash, a kill) would otherwise stay open
    // forever and count as usage; nobody can be on this node before it listens.
    const closedSessions = await services.sessions.closeOpenSessions(config.node.id, LeaveReason.serverInternal, Date.now());
    if (closedSessions > 0) logger.info({ closedSessions, nodeId: config.node.id }, 'closed sessions left open by the previous run');
    // Recordings interrupted by the previous run exit abnormally; their files are made in the background.
    const interrupted = await services.recordings.recover();
    if (interrupted > 0) logger.info({ interrupted, nodeId: config.node.id }, 'finishing recordings interrupted by the previous run');
    // ffmpeg is checked now rather than by the first recording, which would wait for its first run
    // (seconds on a busy machine), and whoever runs the server reads at once if recording cannot work.
    void services.recordings.checkTools().catch((error: unknown) => logger.warn({ reason: (error as Error).message }, 'recordings cannot start until this is fixed'));
    const firstRun =
      options.bootstrap !== false && !(await services.projects.hasAnyAccount())
        ? await bootstrap(services)
        : undefined;
    // Participants a crashed predecessor of this node registered are gone with it.
    await live.participants.clearNode(config.node.id);
    const app = await buildApp({ config, services, logger, ...(tlsPair ? { tls: tlsPair } : {}) });
    const connections = trackConnections(app.server);
    await app.listen({ host: config.http.host, port: config.http.port });
    // With TLS, Fastify's server is an https.Server, which is a tls.Server.
    const tlsWatch = tlsFiles && tlsPair && watchTlsFiles(app.server as unknown as tls.Server, tlsFiles, tlsPair, logger);
    if (tlsPair) logger.info({ certificate: tlsPair.summary }, 'serving HTTPS and WSS; the certificate is reloaded when its files change');
    // Sends what the outbox holds: what the last run left unsent, and the leaves closeOpenSessions just queued.
    await services.webhookWorker.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const url = `${tlsPair ? 'https' : 'http'}://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    const { membership } = services.cluster;
    const openedLive = live;
    membership.url = config.node.url ?? nodeUrl(url, config.http.host);
    await membership.start();
    const reaper = new Reaper({
      registry: live.nodes,
      nodeId: config.node.id,
      closeOpenSessions: (nodeId, reason, at) => services.sessions.closeOpenSessions(nodeId, reason, at),
      forgetParticipants: (nodeId) => openedLive.participants.clearNode(nodeId),
      abandonRecordings: (nodeId) => services.recordings.abandonRecordingsOf(nodeId),
      log: logger,
    });
    reaper.start();
    if (live.kind === 'redis') logger.info({ nodeId: config.node.id, url: membership.url }, 'joined the cluster: channels placed here are announced at this URL');
    const openedMedia = media;
    return {
      app,
      services,
      url,
      firstRun,
      drain: (options) => drainNode(services, config.node.drainSeconds, logger, options),
      async close() {
        // Calls end first (sessions closed with a reason), then Fastify stops accepting and lets
        // in-flight requests finish, then the stores close.
        // Recorders leave before the calls end, so none mistakes the shutdown for a kick.
        tlsWatch?.close();
        await membership.drain().catch(() => {});
        await services.recordings.shutdown();
        await services.rtc.shutdown();
        services.cascade?.close();
        await openedMedia.close();
        // Their leaves get a few seconds to land even if the store is failing; what does not land
        // is closed by the next start (closeOpenSessions above).
        await services.sessions.stopWriting(SHUTDOWN_WRITE_GRACE_MS);
        await services.events.drain();
        // The leaves of the calls just ended are in the outbox; sends in flight are given back.
        await services.webhookWorker.stop();
        const stopWaiting = connections.closeWithin(SHUTDOWN_HTTP_GRACE_MS, (open) =>
          logger.warn({ open, graceMs: SHUTDOWN_HTTP_GRACE_MS }, `${open} HTTP connection(s) still open ${SHUTDOWN_HTTP_GRACE_MS / 1000} s into the shutdown: cut`),
        );
        await app.close();
        stopWaiting();
        await reaper.stop();
        await membership.stop();
        await openedLive.close();
        await store.close();
      },
    };
  } catch (error) {
    await media?.close().catch(() => {});
    await live?.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}
