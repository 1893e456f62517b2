/**
 * The one error type routes and services throw. It names an entry of the protocol's error
 * catalogue; the error handler renders it as `{code, message, details: {field, reason}}`.
 */
import { errorBody, errorCatalogue, type ErrorBody, type ErrorKey } from '@parley/protocol';

export class ApiError extends Error {
  readonly key: ErrorKey;
  readonly status: number;
  readonly details: ErrorBody['details'];
  /** Extra response headers (Retry-After, Allow…). */
  readonly headers: Record<string, string>;

  constructor(key: ErrorKey, details?: ErrorBody['details'], headers: Record<string, string> = {}) {
    super(details?.reason ?? errorCatalogue[key].message);
    this.key = key;
    this.status = errorCatalogue[key].status;
    this.details = details;
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return errorBody(this.key, this.details);
  }
}

export function notFound(field: string, reason: string): ApiError {
  return new ApiError('not_found', { field, reason });
}

export function forbidden(reason: string): ApiError {
  return new ApiError('forbidden', { reason });
}
