/**
 * Errors raised before a request reaches any route or scope, which would otherwise leave in
 * Fastify's own `{error, code: "FST_ERR_…"}` body:
 * - the router's (a path that is not valid percent-encoding, a path segment over maxParamLength).
 *   No route means no scoped error handler, so the path decides the shape: Agora's gateway
 *   `{message}` on Agora's routes, the envelope elsewhere;
 * - the HTTP parser's (not HTTP at all, a header section over Node's limit, a timeout), answered
 *   on the raw socket. There is no trustworthy path then, so always the envelope.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './apiError.ts';
import { isAgoraPath } from '../compat/agora/gateway.ts';
import { toApiError } from './errors.ts';

export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  if (apiError.status >= 500) request.log.error({ err: error }, 'router failed');
  reply.code(apiError.status).headers(apiError.headers).header('X-Request-Id', request.id);
  if (isAgoraPath(request.url)) reply.send({ message: apiError.details?.reason ?? apiError.message });
  else reply.send(apiError.toBody());
}

function parserError(error: NodeJS.ErrnoException): ApiError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new ApiError('request_timeout', { field: 'request', reason: 'The request did not arrive in time' });
  if (error.code === 'HPE_HEADER_OVERFLOW') return new ApiError('headers_too_large', { field: 'headers', reason: 'The request headers are over 16 KB' });
  return new ApiError('invalid_parameter', { field: 'request', reason: 'The request is not valid HTTP/1.1' });
}

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError = parserError(error);
  const body = JSON.stringify(apiError.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${apiError.status} ${http.STATUS_CODES[apiError.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
