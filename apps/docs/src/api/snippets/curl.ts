/**
 * cURL for a request, in the seed's style (`-u` for Basic auth, `-d` with pretty JSON), quoted so
 * any value survives a POSIX shell.
 */
import type { SnippetRequest } from '../request.ts';

/** Single-quotes a word for sh/bash: the only character to escape is the single quote itself. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function curlSnippet(request: SnippetRequest): string {
  const lines = [`curl -X ${request.method} ${shellQuote(request.url)}`];
  if (request.body !== undefined) lines.push(`-H ${shellQuote('Content-Type: application/json')}`);
  if (request.auth?.scheme === 'basic') lines.push(`-u ${shellQuote(`${request.auth.user}:${request.auth.password}`)}`);
  if (request.auth?.scheme === 'bearer') lines.push(`-H ${shellQuote(`Authorization: Bearer ${request.auth.token}`)}`);
  if (request.body !== undefined) lines.push(`-d ${shellQuote(JSON.stringify(request.body, null, 2))}`);
  return lines.join(' \\\n  ');
}
