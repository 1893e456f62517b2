/**
 * Registers the protocol's operation tables as Fastify routes: one place decides the schema and
 * the success envelope of every v1 endpoint. Routes are registered into the v1 scope, whose
 * request guard (guard/guard.ts) has checked the caller and the project before a handler runs.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { ErrorEnvelope, errorCatalogue, fileOperations, operations, successSchema, type EventStreamSpec, type FileOperation, type FileOperationId, type Operation, type OperationId } from '@parley/protocol';
import { andThen, type MaybeAsync } from '../maybeAsync.ts';
import { projectAccess, type ProjectAccess } from './guard/caller.ts';

type StaticOf<T> = T extends TSchema ? Static<T> : undefined;

export interface OperationInput<Op extends Operation> {
  params: StaticOf<Op['params']>;
  query: StaticOf<Op['query']>;
  body: StaticOf<Op['body']>;
  access: ProjectAccess;
}

/** Answers at once when it can (a channel GET from caches), else later: see maybeAsync.ts. */
export type OperationHandler<Op extends Operation> = (input: OperationInput<Op>) => MaybeAsync<Static<Op['data']>>;
export type OperationHandlers = { [K in OperationId]: OperationHandler<(typeof operations)[K]> };

/** A file operation writes the bytes itself; it gets the reply. */
export type FileOperationHandler<Op extends FileOperation> = (input: { params: Static<Op['params']>; access: ProjectAccess }, reply: FastifyReply) => Promise<FastifyReply>;
export type FileOperationHandlers = { [K in FileOperationId]: FileOperationHandler<(typeof fileOperations)[K]> };

export function security(auth: Operation['auth']): Array<Record<string, string[]>> {
  return auth === 'basic' ? [{ basicAuth: [] }] : [{ basicAuth: [] }, { bearerAuth: [] }];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid parameters',
  401: 'Missing or wrong credentials',
  403: 'The credentials do not allow this',
  404: 'No such resource (or it belongs to another account)',
  409: 'Conflicts with the resource\'s state',
  413: 'Body over 1 MiB',
  415: 'Content-Type is not application/json',
  429: 'Rate limit exceeded',
  500: 'Internal server error',
  503: 'A server component is unavailable',
};

const EXAMPLE_KEYS: Record<number, keyof typeof errorCatalogue> = {
  400: 'invalid_channel_name',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'recording_conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal',
  503: 'unavailable',
};

function errorResponse(status: number) {
  const key = EXAMPLE_KEYS[status] ?? 'internal';
  return {
    ...ErrorEnvelope,
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    examples: [{ code: status, message: errorCatalogue[key].message, details: { reason: ERROR_DESCRIPTIONS[status] ?? 'Error' } }],
  };
}

/** An event stream's success: its events' data, under the stream's content type. */
function eventStreamResponse(operation: Pick<Operation, 'data'>, stream: EventStreamSpec) {
  return {
    description: `A server-sent event stream: \`${stream.event}\` events whose data is this JSON.`,
    content: { 'text/event-stream': { schema: operation.data } },
  };
}

/** The Fastify route schema of an operation; the OpenAPI document is generated from it. */
export function routeSchema(operation: Omit<Operation, 'auth'> & { stream?: EventStreamSpec }, securityList: Array<Record<string, string[]>>) {
  const statuses = [...new Set([...operation.errors, 401, 429, 500])].sort();
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: operation.description,
    tags: [operation.tag],
    security: securityList,
    ...(operation.params ? { params: operation.params } : {}),
    ...(operation.query ? { querystring: operation.query } : {}),
    ...(operation.body ? { body: operation.body } : {}),
    response: {
      200: operation.stream ? eventStreamResponse(operation, operation.stream) : { ...successSchema(operation), description: 'Success' },
      ...Object.fromEntries(statuses.map((status) => [status, errorResponse(status)])),
    },
  };
}

/** Registers every v1 operation into `scope`, which carries the v1 request guard. */
export function registerOperations(scope: FastifyInstance, handlers: OperationHandlers): void {
  for (const operation of Object.values(operations) as Operation[]) {
    const handler = handlers[operation.operationId as OperationId] as unknown as OperationHandler<Operation>;
    scope.route({
      method: operation.method,
      url: operation.path,
      schema: routeSchema(operation, security(operation.auth)),
      config: { guard: { auth: operation.auth } },
      // An operation whose body has no required field may be called without a body at all.
      ...(operation.body ? { preValidation: async (request) => void (request.body ??= {}) } : {}),
      // Not async: Fastify sends a value returned at once without a promise and a microtask turn.
      handler: (request) => {
        const data = handler({
          params: request.params as never,
          query: request.query as never,
          body: request.body as never,
          access: projectAccess(request.access),
        });
        return andThen(data, (ready) => ({ code: 200, message: 'success', data: ready }));
      },
    });
  }
}

/** Registers the operations that answer bytes (recorded files) into the v1 scope. */
export function registerFileOperations(scope: FastifyInstance, handlers: FileOperationHandlers): void {
  for (const operation of Object.values(fileOperations) as FileOperation[]) {
    const handler = handlers[operation.operationId as FileOperationId] as unknown as FileOperationHandler<FileOperation>;
    scope.route({
      method: operation.method,
      url: operation.path,
      schema: {
        operationId: operation.operationId,
        summary: operation.summary,
        description: operation.description,
        tags: [operation.tag],
        security: security(operation.auth),
        params: operation.params,
      },
      config: { guard: { auth: operation.auth } },
      handler: (request, reply) => handler({ params: request.params as never, access: projectAccess(request.access) }, reply),
    });
  }
}
