/**
 * JavaScript with `fetch` for a request: an ES module (top-level await) that runs in Node 18+ and
 * in a browser console. String literals come from JSON.stringify, which always yields valid JS.
 */
import type { SnippetRequest } from '../request.ts';

function indent(text: string, spaces: number): string {
  return text.replaceAll('\n', `\n${' '.repeat(spaces)}`);
}

export function javascriptSnippet(request: SnippetRequest): string {
  const headers: string[] = [];
  if (request.body !== undefined) headers.push(`'Content-Type': 'application/json',`);
  if (request.auth?.scheme === 'basic') {
    headers.push(`Authorization: 'Basic ' + btoa(${JSON.stringify(`${request.auth.user}:${request.auth.password}`)}),`);
  }
  if (request.auth?.scheme === 'bearer') headers.push(`Authorization: ${JSON.stringify(`Bearer ${request.auth.token}`)},`);

  const options = [`  method: '${request.method}',`];
  if (headers.length > 0) options.push(`  headers: {\n${headers.map((h) => `    ${h}`).join('\n')}\n  },`);
  if (request.body !== undefined) options.push(`  body: JSON.stringify(${indent(JSON.stringify(request.body, null, 2), 2)}),`);

  return [
    `const response = await fetch(${JSON.stringify(request.url)}, {`,
    ...options,
    '});',
    'console.log(response.status, await response.json());',
  ].join('\n');
}
