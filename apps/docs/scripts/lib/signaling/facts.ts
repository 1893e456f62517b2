/**
 * The facts of the signaling protocol that its overview page states in prose and tables: where
 * to connect, timings, limits, close codes, error codes, and the data channel's framing. Read from
 * the protocol package and the server's configuration table, so the page never drifts from the code.
 */
import {
  COSTLY_SIGNALING_MESSAGES,
  DATA_CHANNEL_LABEL,
  DATA_LIMITS,
  DataFrameKind,
  encodeClientFrame,
  encodeSenderUid,
  encodeServerFrame,
  KEEPALIVE_INTERVAL_MS,
  MAX_SIGNALING_MESSAGE_BYTES,
  RESUME_WINDOW_MS,
  SDP_LIMITS,
  SIGNALING_CLOSE_CODES,
  SIGNALING_CLOSE_REASONS,
  SIGNALING_LIMITS,
  SIGNALING_PATH,
  SignalingErrorCodes,
  SIMULCAST_RIDS,
  TOKEN_EXPIRY_WARNING_SECONDS,
} from '@parley/protocol';
import { VARIABLES } from '@parley/server';

/** The server settings that bound signaling, as the configuration table states them. */
const SETTING_KEYS = ['rtc.maxSessionsPerIp', 'rtc.maxSessionsPerToken', 'rtc.connectTimeoutSeconds'] as const;

function settings(): { name: string; default: string; meaning: string }[] {
  return SETTING_KEYS.map((key) => {
    const variable = VARIABLES.find((candidate) => candidate.key === key);
    if (!variable || typeof variable.default !== 'string') throw new Error(`No configuration variable with a fixed default for ${key}`);
    return { name: variable.name, default: variable.default, meaning: variable.meaning };
  });
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** The bytes of one stream message, "hi", as a client sends it and as the server relays it: encoded by the protocol's own functions. */
function exampleFrames(): { frame: string; bytes: string }[] {
  const payload = new TextEncoder().encode('hi');
  const kind = DataFrameKind.streamMessage;
  return [
    { frame: 'Client → server: stream message "hi"', bytes: hex(encodeClientFrame(kind, payload)) },
    { frame: 'Server → client: the same, from uid 2001', bytes: hex(encodeServerFrame(kind, encodeSenderUid(2001), payload)) },
    { frame: 'Server → client: the same, from uid "bob"', bytes: hex(encodeServerFrame(kind, encodeSenderUid('bob'), payload)) },
  ];
}

export function signalingFacts() {
  return {
    path: SIGNALING_PATH,
    seconds: {
      joinDeadline: SIGNALING_LIMITS.joinDeadlineMs / 1000,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS / 1000,
      livenessPingInterval: SIGNALING_LIMITS.livenessPingIntervalMs / 1000,
      livenessTimeout: SIGNALING_LIMITS.livenessTimeoutMs / 1000,
      resumeWindow: RESUME_WINDOW_MS / 1000,
      tokenExpiryWarning: TOKEN_EXPIRY_WARNING_SECONDS,
      dropWindow: SIGNALING_LIMITS.dropWindowMs / 1000,
    },
    limits: {
      maxMessageBytes: MAX_SIGNALING_MESSAGE_BYTES,
      publishOfferChars: SDP_LIMITS.publishOfferChars,
      subscribeSdpChars: SDP_LIMITS.subscribeChars,
      publishMediaSections: SDP_LIMITS.publishMediaSections,
      publishOfferLines: SDP_LIMITS.publishOfferLines,
      maxQueuedMessages: SIGNALING_LIMITS.maxQueuedMessages,
      allMessages: SIGNALING_LIMITS.allMessages,
      costlyMessages: SIGNALING_LIMITS.costlyMessages,
      costlyTypes: [...COSTLY_SIGNALING_MESSAGES],
      dropsBeforeClose: SIGNALING_LIMITS.dropsBeforeClose,
    },
    simulcastRids: SIMULCAST_RIDS,
    settings: settings(),
    /** Each close code by name, for prose: `facts.close.joinTimeout`. */
    close: SIGNALING_CLOSE_CODES,
    closeCodes: Object.entries(SIGNALING_CLOSE_CODES)
      .map(([name, code]) => ({ code, name, meaning: SIGNALING_CLOSE_REASONS[name as keyof typeof SIGNALING_CLOSE_CODES] }))
      .sort((a, b) => a.code - b.code),
    errorCodes: Object.entries(SignalingErrorCodes).map(([code, meaning]) => ({ code, meaning })),
    dataChannel: {
      label: DATA_CHANNEL_LABEL,
      limits: DATA_LIMITS,
      kinds: Object.entries(DataFrameKind).map(([name, value]) => ({ name, value })),
      exampleFrames: exampleFrames(),
    },
  };
}

export type SignalingFacts = ReturnType<typeof signalingFacts>;
