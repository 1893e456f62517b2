/**
 * A request as the tester and the code samples see it: method, full URL, auth and JSON body. The
 * URL is built from the operation's path template and the parameter inputs; empty optional query
 * parameters are left out, empty path parameters become `YOUR_…` placeholders (as in the seed).
 */
import type { ApiOperation, HttpMethod } from './types.ts';

export type RequestAuth = { scheme: 'basic'; user: string; password: string } | { scheme: 'bearer'; token: string };

export interface SnippetRequest {
  method: HttpMethod;
  url: string;
  auth?: RequestAuth;
  /** A JSON value; sent with `Content-Type: application/json`. */
  body?: unknown;
}

/** `projectId` → `YOUR_PROJECT_ID`; a wildcard (`*`) → `YOUR_PATH`. */
export function placeholder(name: string): string {
  if (name === '*') return 'YOUR_PATH';
  return `YOUR_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** The server URL without a trailing slash, so paths can be appended. */
export function trimBase(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '');
}

/** A path parameter's value in the URL; a wildcard keeps its slashes, each segment encoded. */
function encodePathValue(name: string, value: string): string {
  return name === '*' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
}

export function buildUrl(baseUrl: string, operation: ApiOperation, values: Record<string, string>): string {
  let path = operation.path;
  const query = new URLSearchParams();
  for (const parameter of operation.parameters) {
    const value = values[parameter.name] ?? '';
    if (parameter.in === 'path') {
      path = path.replace(`{${parameter.name}}`, value === '' ? placeholder(parameter.name) : encodePathValue(parameter.name, value));
    } else if (value !== '') {
      query.set(parameter.name, value);
    }
  }
  const search = query.toString();
  return `${trimBase(baseUrl)}${path}${search ? `?${search}` : ''}`;
}
