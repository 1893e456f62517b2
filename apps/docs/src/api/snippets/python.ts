/**
 * Python with `requests` for a request. JSON values are written as Python literals (True, False,
 * None); JSON string literals are valid Python string literals, so strings reuse JSON.stringify.
 */
import type { SnippetRequest } from '../request.ts';

export function pythonLiteral(value: unknown, depth = 1): string {
  const pad = '    '.repeat(depth);
  const close = '    '.repeat(depth - 1);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${pad}${pythonLiteral(item, depth + 1)},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, item]) => `${pad}${JSON.stringify(key)}: ${pythonLiteral(item, depth + 1)},`).join('\n')}\n${close}}`;
}

export function pythonSnippet(request: SnippetRequest): string {
  const args = [`    ${JSON.stringify(request.url)},`];
  if (request.auth?.scheme === 'basic') args.push(`    auth=(${JSON.stringify(request.auth.user)}, ${JSON.stringify(request.auth.password)}),`);
  if (request.auth?.scheme === 'bearer') args.push(`    headers={"Authorization": ${JSON.stringify(`Bearer ${request.auth.token}`)}},`);
  if (request.body !== undefined) args.push(`    json=${pythonLiteral(request.body, 2)},`);
  return [
    'import requests',
    '',
    `response = requests.${request.method.toLowerCase()}(`,
    ...args,
    ')',
    'print(response.status_code, response.json())',
  ].join('\n');
}
