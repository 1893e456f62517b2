/**
 * One typed way to call the server: every request the console makes is an operation of the v1
 * table or the console's table in @parley/protocol, so its path, method, parameters and answer
 * type come from the same schemas the server validates with. Anything a person clicks here can
 * be scripted with the same call and a bearer session.
 */
import { consoleOperations, operations } from '@parley/protocol';
import type { Static, TSchema } from 'typebox';

const table = { ...operations, ...consoleOperations };
type Table = typeof table;
export type OperationId = keyof Table;

type Part<K extends OperationId, Name extends 'params' | 'query' | 'body'> = Table[K] extends Record<Name, infer S extends TSchema> ? Static<S> : never;
/** What an operation takes: only the parts its table entry declares. */
export type Input<K extends OperationId> = ([Part<K, 'params'>] extends [never] ? object : { params: Part<K, 'params'> })
  & ([Part<K, 'query'>] extends [never] ? object : { query?: Partial<Part<K, 'query'>> })
  & ([Part<K, 'body'>] extends [never] ? object : { body: Part<K, 'body'> });
export type Data<K extends OperationId> = Static<Table[K]['data']>;

/** A refusal in the API's envelope: `{code, message, details: {field, reason}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly reason: string | undefined;

  constructor(status: number, code: string, message: string, details?: { field?: string; reason?: string }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = details?.field;
    this.reason = details?.reason;
  }

  /** The sentence to show a person: the reason names what to fix when there is one. */
  get sentence(): string {
    return this.reason && this.reason !== this.message ? `${this.message}: ${this.reason}` : this.message;
  }
}

/**
 * The CSRF token of the cookie session, sent with every request that changes something. It lives
 * in memory only: a page that reloads reads it again from `GET /v1/console/session`.
 */
let csrfToken: string | undefined;
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function pathOf(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(params[name] ?? '')));
}

function queryString(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function call<K extends OperationId>(id: K, input: Input<K>): Promise<Data<K>> {
  const operation = table[id];
  const parts = input as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (operation.method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (parts.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(pathOf(operation.path, parts.params) + queryString(parts.query), {
      method: operation.method,
      headers,
      credentials: 'same-origin',
      ...(parts.body !== undefined ? { body: JSON.stringify(parts.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached; check that parley serve is running');
  }
  const envelope = await response.json().catch(() => undefined) as { data?: unknown; code?: unknown; message?: string; details?: { field?: string; reason?: string } } | undefined;
  if (!response.ok || envelope === undefined) {
    throw new ApiError(response.status, String(envelope?.code ?? response.status), envelope?.message ?? `The server answered ${response.status}`, envelope?.details);
  }
  return envelope.data as Data<K>;
}
