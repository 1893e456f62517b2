/**
 * Sends a tester request with fetch, straight to the chosen server and nowhere else: no cookies
 * (credentials travel in the Authorization header only), no cache. Measures the time to the full
 * body, and keeps the headers the browser lets the page read (CORS-exposed ones cross-origin).
 */
import type { RequestAuth, SnippetRequest } from './request.ts';

export interface TesterResponse {
  status: number;
  statusText: string;
  durationMs: number;
  headers: Array<[string, string]>;
  /** The body as received; pretty-printed when it is JSON. */
  body: string;
  isJson: boolean;
}

/** `Authorization` for the request's auth; UTF-8 before base64, as RFC 7617 suggests. */
export function authorizationHeader(auth: RequestAuth): string {
  if (auth.scheme === 'bearer') return `Bearer ${auth.token}`;
  const bytes = new TextEncoder().encode(`${auth.user}:${auth.password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

export async function sendRequest(request: SnippetRequest, signal?: AbortSignal): Promise<TesterResponse> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.auth) headers.Authorization = authorizationHeader(request.auth);
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const started = performance.now();
  const response = await fetch(request.url, {
    method: request.method,
    headers,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    mode: 'cors',
    credentials: 'omit',
    cache: 'no-store',
    ...(signal ? { signal } : {}),
  });
  const bytes = await response.arrayBuffer();
  const durationMs = Math.round(performance.now() - started);
  const contentType = response.headers.get('content-type') ?? '';
  // A recorded file or any other binary answer is summarised, not dumped as mojibake.
  const isText = contentType === '' || /json|text|xml|javascript|mpegurl/i.test(contentType);
  const text = isText ? new TextDecoder().decode(bytes) : `(${bytes.byteLength} bytes of ${contentType}, not shown)`;
  let body = text;
  let isJson = false;
  try {
    body = JSON.stringify(JSON.parse(text), null, 2);
    isJson = true;
  } catch {
    // Not JSON (a proxy's HTML error page, say): shown as received.
  }
  return {
    status: response.status,
    statusText: response.statusText,
    durationMs,
    headers: [...response.headers.entries()].sort(([a], [b]) => a.localeCompare(b)),
    body,
    isJson,
  };
}
