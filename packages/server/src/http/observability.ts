/**
 * Request ids, Prometheus metrics and health endpoints.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RtcGuardCounts } from '../rtc/service.ts';
import type { Services } from '../services.ts';
import { ApiError } from './apiError.ts';
import { RequestDurations } from './requestDurations.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is safe to log, otherwise makes one. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function installObservability(app: FastifyInstance, services: Services): void {
  // Hooks on every request take Fastify's callback form: an async hook costs a promise and a
  // microtask turn each, a measurable part of an authenticated GET (bench:api).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  // A registry per server, so several servers in one process (tests) keep separate counts.
  const registry = new Registry();
  // The event-loop lag histogram samples on a timer: prom-client's default 10 ms woke an idle server
  // 100 times a second (0.75% of a core doing nothing, measured on `parley serve`); at 100 ms lag
  // is still measured, and the idle server uses 0.2-0.4% (bench:joins reports idle CPU too).
  collectDefaultMetrics({ register: registry, prefix: 'parley_', eventLoopMonitoringPrecision: 100 });
  const durations = new RequestDurations({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  });
  // Read when Prometheus scrapes, so the SFU's hot path carries no bookkeeping for metrics.
  new Gauge({
    name: 'parley_rtc_rooms',
    help: 'Channels with participants on this node',
    registers: [registry],
    collect() {
      this.set(services.rtc.load().rooms);
    },
  });
  new Gauge({
    name: 'parley_rtc_participants',
    help: 'Participants connected to this node',
    registers: [registry],
    collect() {
      this.set(services.rtc.load().participants);
    },
  });
  new Gauge({
    name: 'parley_rtc_published_tracks',
    help: 'Tracks published to this node, by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const { published } = services.rtc.load();
      for (const kind of ['audio', 'video'] as const) this.set({ kind }, published[kind]);
    },
  });
  new Gauge({
    name: 'parley_rtc_forwarded_streams',
    help: 'Streams this node forwards to subscribers, by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const { forwarded } = services.rtc.load();
      for (const kind of ['audio', 'video'] as const) this.set({ kind }, forwarded[kind]);
    },
  });
  const guardCounters: Array<[string, string, keyof RtcGuardCounts]> = [
    ['parley_rtc_media_ports_exhausted_total', 'Media connections refused because no UDP port of the range was free', 'mediaPortsExhausted'],
    ['parley_rtc_media_connect_timeouts_total', 'Media connections closed because they did not connect in time (the client rebuilds them)', 'mediaConnectTimeouts'],
    ['parley_rtc_media_connections_failed_total', 'Media connections closed because they failed: ICE checks that all failed, or consent lost after connecting (the client rebuilds them)', 'mediaConnectionsFailed'],
    ['parley_rtc_offers_refused_total', 'Publish offers refused before parsing (privileges, shape, size)', 'offersRefused'],
    ['parley_rtc_sessions_refused_total', 'Joins refused by the per-address or per-token session caps', 'sessionsRefused'],
    ['parley_rtc_signaling_messages_dropped_total', 'Signaling messages dropped by the per-socket rate limit', 'messagesDropped'],
    ['parley_rtc_data_messages_dropped_total', 'Data channel frames dropped: malformed, over the sender\'s budget, or for a receiver that lags', 'dataMessagesDropped'],
    ['parley_rtc_data_channels_cut_off_total', 'Data channels closed because their sender kept flooding', 'dataChannelsCutOff'],
    ['parley_rtc_sctp_packets_rejected_total', 'SCTP packets of data channels that could not be parsed, dropped', 'sctpPacketsRejected'],
  ];
  for (const [name, help, key] of guardCounters) {
    // The SFU keeps plain totals; they are copied in when Prometheus scrapes.
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(services.rtc.counts[key]);
      },
    });
  }
  app.addHook('onResponse', (request, reply, done) => {
    durations.observe(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const hidden = { schema: { hide: true } };
  app.get('/healthz', hidden, async () => ({ status: 'ok' }));
  new Gauge({
    name: 'parley_session_writes_pending',
    help: 'Session and channel events the store has not taken yet (they are retried until it does)',
    registers: [registry],
    collect() {
      this.set(services.sessions.pendingWrites);
    },
  });
  new Gauge({
    name: 'parley_rtc_udp_mux_connections',
    help: 'Media connections whose ICE runs over the shared UDP port (0 with PARLEY_RTC_UDP_PORT=range)',
    registers: [registry],
    collect() {
      this.set(services.media.network.mux?.stats.transports ?? 0);
    },
  });
  new Gauge({
    name: 'parley_rtc_udp_mux_dropped_datagrams',
    help: 'Datagrams the shared UDP port dropped since start: binding requests for no known ufrag, or packets from an address no connection has checked',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const stats = services.media.network.mux?.stats;
      this.set({ reason: 'unknown_ufrag' }, stats?.droppedUnknownUfrag ?? 0);
      this.set({ reason: 'unknown_address' }, stats?.droppedUnknownAddress ?? 0);
    },
  });
  app.get('/readyz', hidden, async () => {
    try {
      await Promise.all([services.store.ping(), services.live.ping()]);
    } catch {
      throw new ApiError('unavailable', { reason: 'Database or live state is not reachable' });
    }
    // A full disk still answers pings: readiness also needs a write to land, and session writes not to be failing.
    try {
      await services.storeWrites.check();
    } catch {
      throw new ApiError('unavailable', { reason: 'The database cannot write (disk full, I/O error or read-only)' });
    }
    const failingSince = services.sessions.writesFailingSince();
    if (failingSince !== undefined) {
      throw new ApiError('unavailable', { reason: `Session writes have been failing since ${new Date(failingSince).toISOString()}; they are retried` });
    }
    // A media address the host does not have: clients would get candidates they can never reach.
    const [mediaProblem] = services.media.problems;
    if (mediaProblem) throw new ApiError('unavailable', { reason: mediaProblem });
    return { status: 'ready', store: services.store.kind, live: services.live.kind };
  });
  app.get('/metrics', hidden, async (_request, reply) => {
    reply.header('Content-Type', registry.contentType);
    return registry.metrics();
  });
}
