/**
 * What the SFU does when a participant's media connection fails: no free UDP port, no connection
 * within the timeout, or a connection that stopped working. It counts (for /metrics), logs and
 * tells the client, which rebuilds a lost connection (`restart-media`): what the connection
 * carried stays, so the others see no change. Data channel frames pass through here to the room;
 * what the data channel dropped is counted.
 */
import type { MediaConnection, MediaWatch, Participant } from './participant.ts';
import type { Room } from './room.ts';
import type { Logger } from '../log/logger.ts';

/** Running totals of what the SFU refused or cut off, for metrics. */
export interface RtcGuardCounts {
  mediaPortsExhausted: number;
  mediaConnectTimeouts: number;
  /** Media connections werift gave up: ICE checks that all failed, or consent lost after connecting. */
  mediaConnectionsFailed: number;
  offersRefused: number;
  sessionsRefused: number;
  messagesDropped: number;
  /** Data channel frames (and extra channels) dropped: malformed, over budget, or for a receiver that lags. */
  dataMessagesDropped: number;
  /** Data channels closed because their sender kept flooding. */
  dataChannelsCutOff: number;
  /** SCTP packets werift could not parse, dropped. */
  sctpPacketsRejected: number;
}

export function newGuardCounts(): RtcGuardCounts {
  return {
    mediaPortsExhausted: 0,
    mediaConnectTimeouts: 0,
    mediaConnectionsFailed: 0,
    offersRefused: 0,
    sessionsRefused: 0,
    messagesDropped: 0,
    dataMessagesDropped: 0,
    dataChannelsCutOff: 0,
    sctpPacketsRejected: 0,
  };
}

export interface MediaWatchDeps {
  counts: RtcGuardCounts;
  connectTimeoutMs: number;
  roomOf(participant: Participant): Room | undefined;
  log: Logger;
}

export function createMediaWatch(deps: MediaWatchDeps): MediaWatch {
  const where = (participant: Participant, connection: MediaConnection) => ({
    appId: participant.appId,
    channel: participant.channel,
    uid: participant.uid,
    connection,
  });
  return {
    portsExhausted(participant, connection) {
      deps.counts.mediaPortsExhausted += 1;
      deps.log.warn(where(participant, connection), 'no free UDP port for media: widen PARLEY_RTC_PORT_MIN/MAX');
      // A publish refusal answers its request; a subscribe connection has no request waiting.
      if (connection === 'subscribe') {
        participant.send({ type: 'error', code: 'media_ports_exhausted', message: 'No UDP port is free for media on this server: subscribe again later' });
      }
    },
    negotiationFailed(participant, error) {
      deps.log.warn({ ...where(participant, 'subscribe'), err: error }, 'subscribe offer failed: retried at the next change');
    },
    dataFrame(participant, kind, payload) {
      deps.roomOf(participant)?.relayData(participant, kind, payload);
    },
    dataDropped() {
      deps.counts.dataMessagesDropped += 1;
    },
    dataCutOff(participant) {
      deps.counts.dataChannelsCutOff += 1;
      deps.log.warn(where(participant, 'publish'), 'data channel flooded with frames the relay drops: closed for the session');
    },
    sctpRejected(participant, error) {
      deps.counts.sctpPacketsRejected += 1;
      deps.log.debug({ ...where(participant, 'publish'), err: error }, 'unparsable SCTP packet dropped');
    },
    connectionLost(participant, connection, reason) {
      if (reason === 'timeout') deps.counts.mediaConnectTimeouts += 1;
      else deps.counts.mediaConnectionsFailed += 1;
      const seconds = Math.round(deps.connectTimeoutMs / 1000);
      const what = reason === 'timeout' ? `did not connect within ${seconds} s` : 'failed (ICE checks or consent)';
      deps.log.info(where(participant, connection), `${connection} connection ${what}: closed, the client is told to rebuild it`);
      participant.send({ type: 'media-lost', connection, reason });
    },
  };
}
