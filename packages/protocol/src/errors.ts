/**
 * The error catalogue: every error Parley's REST API can answer with, in one place.
 *
 * An entry has a stable key (what code switches on), the HTTP status (which is also the envelope's
 * `code`) and the message clients see. Routes never invent messages; they name an entry and add
 * `details: {field, reason}`.
 */
export const errorCatalogue = {
  invalid_parameter: { status: 400, message: 'Invalid request parameter' },
  invalid_channel_name: { status: 400, message: 'Invalid channel name format' },
  malformed_json: { status: 400, message: 'Malformed JSON body' },
  unauthorized: { status: 401, message: 'Unauthorized' },
  invalid_token: { status: 401, message: 'Invalid or expired token' },
  forbidden: { status: 403, message: 'Forbidden' },
  not_found: { status: 404, message: 'Resource not found' },
  route_not_found: { status: 404, message: 'Route not found' },
  method_not_allowed: { status: 405, message: 'Method not allowed' },
  request_timeout: { status: 408, message: 'Request timeout' },
  conflict: { status: 409, message: 'Conflicts with the resource\'s state' },
  recording_conflict: { status: 409, message: 'A recording is already running' },
  recording_stopped: { status: 409, message: 'The recording has already stopped' },
  channel_encrypted: { status: 409, message: 'The channel\'s media is end-to-end encrypted' },
  payload_too_large: { status: 413, message: 'Request body too large' },
  uri_too_long: { status: 414, message: 'URI too long' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type' },
  rate_limited: { status: 429, message: 'Rate limit exceeded' },
  headers_too_large: { status: 431, message: 'Request header fields too large' },
  internal: { status: 500, message: 'Internal server error' },
  unavailable: { status: 503, message: 'Service unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorKey = keyof typeof errorCatalogue;

/** The JSON body of every error response. */
export interface ErrorBody {
  code: number;
  message: string;
  details?: { field?: string; reason: string };
}

/** Builds the envelope for a catalogue entry. */
export function errorBody(key: ErrorKey, details?: ErrorBody['details']): ErrorBody {
  const entry = errorCatalogue[key];
  return details ? { code: entry.status, message: entry.message, details } : { code: entry.status, message: entry.message };
}
