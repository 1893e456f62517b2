/**
 * Errors Fastify's router raises before a request reaches any route or scope (a path that is not
 * valid percent-encoding, a path segment over maxParamLength): without this they would leave in
 * Fastify's own `{error, code: "FST_ERR_…"}` body. No route means no scoped error handler, so the
 * path decides the shape: Agora's gateway `{message}` on Agora's routes, the envelope elsewhere.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAgoraPath } from '../compat/agora/gateway.ts';
import { toApiError } from './errors.ts';

export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  if (apiError.status >= 500) request.log.error({ err: error }, 'router failed');
  reply.code(apiError.status).headers(apiError.headers).header('X-Request-Id', request.id);
  if (isAgoraPath(request.url)) reply.send({ message: apiError.details?.reason ?? apiError.message });
  else reply.send(apiError.toBody());
}
