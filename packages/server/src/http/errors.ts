/**
 * The one error handler: every failure leaves as `{code, message, details}` with the HTTP status
 * equal to `code`. A 500 is a bug: it is logged with the request id and answered without internals.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { ErrorKey } from '@parley/protocol';
import { DomainError, type DomainErrorKind } from '../domainError.ts';
import { isStoreUnavailable } from '../store/unavailable.ts';
import { ApiError } from './apiError.ts';
import { noteFailure } from './requestLog.ts';
import { validationError } from './validation.ts';

const FASTIFY_ERRORS: Record<string, () => ApiError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ApiError('malformed_json', { field: 'body', reason: 'Body is not valid JSON' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ApiError('malformed_json', { field: 'body', reason: 'Body is empty but Content-Type is application/json' }),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError('payload_too_large', { field: 'body', reason: 'Body must be at most 1 MiB' }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError('unsupported_media_type', { field: 'Content-Type', reason: 'Send JSON with Content-Type: application/json' }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new ApiError('invalid_parameter', { field: 'Content-Length', reason: 'Content-Length does not match the body' }),
  // Raised by the router, before any route (see frameworkErrors.ts).
  FST_ERR_BAD_URL: () => new ApiError('invalid_parameter', { field: 'path', reason: 'The path is not valid percent-encoding' }),
  FST_ERR_MAX_PARAM_LENGTH: () => new ApiError('uri_too_long', { field: 'path', reason: 'A path segment is longer than the server accepts (256 characters)' }),
};

/** The v1 API's one map from domain error kinds to its error catalogue (message and HTTP status). */
const V1_ERRORS: Record<DomainErrorKind, ErrorKey> = {
  invalid_parameter: 'invalid_parameter',
  invalid_channel_name: 'invalid_channel_name',
  not_found: 'not_found',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
  unavailable: 'unavailable',
  unsupported: 'invalid_parameter',
  channel_encrypted: 'channel_encrypted',
  resource_not_found: 'not_found',
  resource_expired: 'invalid_parameter',
  resource_mismatch: 'invalid_parameter',
  already_started: 'recording_conflict',
  task_conflict: 'recording_conflict',
  uid_in_use: 'recording_conflict',
  not_running: 'recording_stopped',
  already_stopped: 'recording_stopped',
  storage: 'invalid_parameter',
  tools_missing: 'unavailable',
  invalid_token: 'invalid_token',
  token_expired: 'invalid_token',
  banned: 'forbidden',
  not_joined: 'not_found',
  already_joined: 'invalid_parameter',
  unknown_user: 'not_found',
  session_not_found: 'not_found',
  invalid_offer: 'invalid_parameter',
  media_ports_exhausted: 'unavailable',
  too_many_sessions: 'rate_limited',
  unauthorized: 'unauthorized',
  conflict: 'conflict',
};

function fromDomain(error: DomainError): ApiError {
  const details = { ...(error.field ? { field: error.field } : {}), reason: error.message };
  const headers: Record<string, string> = error.retryAfterSeconds !== undefined ? { 'Retry-After': String(error.retryAfterSeconds) } : {};
  return new ApiError(V1_ERRORS[error.kind], details, headers);
}

/** A full disk, an I/O error or a lost database: nothing wrong with the request, so try it again later. */
function storeUnavailable(): ApiError {
  return new ApiError('unavailable', { reason: 'The database cannot write now (disk full, I/O error or unreachable); try again later' }, { 'Retry-After': '5' });
}

export function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return fromDomain(error);
  if (isStoreUnavailable(error)) return storeUnavailable();
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return validationError(fastifyError.validation as never, fastifyError.validationContext);
  const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) return known();
  // JSON.parse errors and other client faults Fastify flags with a 4xx status.
  if (fastifyError.statusCode === 400 || error instanceof SyntaxError) {
    return new ApiError('malformed_json', { field: 'body', reason: 'Body is not valid JSON' });
  }
  if (fastifyError.statusCode === 413) return FASTIFY_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE!();
  if (fastifyError.statusCode === 415) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_MEDIA_TYPE!();
  if (fastifyError.statusCode === 503) return new ApiError('unavailable', { reason: 'The server is shutting down' });
  return new ApiError('internal');
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500 && apiError.key === 'internal') request.log.error({ err: error }, 'request failed');
    else if (apiError.key === 'unavailable' && !(error instanceof ApiError)) request.log.warn({ err: error }, 'store unavailable');
    noteFailure(reply, apiError.details?.reason ?? apiError.message);
    reply.code(apiError.status).headers(apiError.headers).send(apiError.toBody());
  });
}
