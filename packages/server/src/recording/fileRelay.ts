/**
 * A recorded file kept on another node's disk (local folder storage in a cluster), fetched from
 * that node and streamed to the client, so a download link works through any node as the rest of
 * the API does. The request goes on with the client's own credentials, which that node checks
 * again; a request already passed on once is never passed on again.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../domainError.ts';

/** Marks a request one node passed to another. */
export const FORWARDED_HEADER = 'x-parley-forwarded-by';
/** How long the other node may take to start answering. */
const ANSWER_TIMEOUT_MS = 10_000;
const PASSED_HEADERS = ['content-type', 'content-length'];

export async function relayFile(reply: FastifyReply, nodeUrl: string, nodeId: string, thisNode: string): Promise<FastifyReply> {
  const request = reply.request;
  if (request.headers[FORWARDED_HEADER]) throw new DomainError('unavailable', `Node ${nodeId} does not have the file it recorded`);
  const headers: Record<string, string> = { [FORWARDED_HEADER]: thisNode };
  if (request.headers.authorization) headers.authorization = request.headers.authorization;
  let answer: Response;
  try {
    answer = await fetch(new URL(request.url, nodeUrl), { headers, redirect: 'manual', signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
  } catch {
    throw new DomainError('unavailable', `Node ${nodeId}, which keeps this recording's files, did not answer`);
  }
  reply.code(answer.status);
  for (const name of PASSED_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) reply.header(name, value);
  }
  return reply.send(answer.body ? Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream) : '');
}
