/**
 * Further languages through @readme/httpsnippet, imported on first use so its ~38 KB (gzip) chunk
 * loads only for readers who ask for it. The request becomes a HAR entry with the same headers
 * the core snippets send.
 */
import type { HarRequest } from '@readme/httpsnippet';
import type { SnippetRequest } from '../request.ts';
import { authorizationHeader } from '../send.ts';

export interface MoreLanguage {
  id: string;
  label: string;
  prism: string;
  target: string;
  client: string;
}

export const MORE_LANGUAGES: MoreLanguage[] = [
  { id: 'node-axios', label: 'Node.js (axios)', prism: 'javascript', target: 'node', client: 'axios' },
  { id: 'go', label: 'Go', prism: 'go', target: 'go', client: 'native' },
  { id: 'java', label: 'Java (OkHttp)', prism: 'java', target: 'java', client: 'okhttp' },
  { id: 'php', label: 'PHP (cURL)', prism: 'php', target: 'php', client: 'curl' },
  { id: 'ruby', label: 'Ruby', prism: 'ruby', target: 'ruby', client: 'native' },
  { id: 'csharp', label: 'C# (HttpClient)', prism: 'csharp', target: 'csharp', client: 'httpclient' },
  { id: 'swift', label: 'Swift', prism: 'swift', target: 'swift', client: 'urlsession' },
  { id: 'httpie', label: 'HTTPie', prism: 'bash', target: 'shell', client: 'httpie' },
];

export async function moreLanguageSnippet(request: SnippetRequest, language: MoreLanguage): Promise<string> {
  const { HTTPSnippet } = await import('@readme/httpsnippet');
  const headers: Array<{ name: string; value: string }> = [];
  if (request.body !== undefined) headers.push({ name: 'Content-Type', value: 'application/json' });
  if (request.auth) headers.push({ name: 'Authorization', value: authorizationHeader(request.auth) });
  const url = new URL(request.url);
  // httpsnippet's type wants postData on every request; a bodiless HAR request is valid without it.
  const har = {
    method: request.method,
    url: request.url,
    httpVersion: 'HTTP/1.1',
    headers,
    cookies: [],
    queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
    headersSize: -1,
    bodySize: -1,
    ...(request.body !== undefined ? { postData: { mimeType: 'application/json', text: JSON.stringify(request.body) } } : {}),
  } as HarRequest;
  const snippet = new HTTPSnippet(har);
  const output = snippet.convert(language.target as never, language.client);
  const code = Array.isArray(output) ? output[0] : output;
  if (typeof code !== 'string') throw new Error(`No ${language.label} snippet`);
  return code;
}
