/**
 * Where the Parley server is: set once with `ParleyRTC.setServer(url)` or per client with the
 * `server` option (either may list several nodes of a cluster, tried in order); by default the server that served the SDK's script tag
 * (`<script src="https://parley.example.com/sdk/parley-rtc.js">`), so an Agora app needs nothing
 * but that swapped tag, and otherwise the origin of the page. Turns that http(s) base URL into the
 * signaling WebSocket URL.
 */
import { invalidParams } from './errors.ts';
import { SIGNALING_PATH } from './protocolConstants.ts';

/** One server, or the nodes of a cluster in the order a join tries them. */
export type ServerSetting = string | readonly string[];

let defaultServer: string[] | undefined;

/** A Parley server's SDK paths: /sdk/parley-rtc.js and /sdk/<version>/parley-rtc.js, under any prefix. */
const SERVED_SCRIPT = /\/sdk\/(?:[^/]+\/)?parley-rtc\.js$/;

/**
 * The server whose /sdk/ path this classic script was loaded from; read while the script runs,
 * the only time `document.currentScript` names it (undefined for the ES module and for copies
 * of the bundle served elsewhere).
 */
const scriptServer = servingServer();

function servingServer(): string | undefined {
  const src = typeof document === 'undefined' ? undefined : (document.currentScript as HTMLScriptElement | null)?.src;
  if (!src) return undefined;
  const url = new URL(src);
  const at = url.pathname.search(SERVED_SCRIPT);
  if (at < 0) return undefined;
  url.pathname = `${url.pathname.slice(0, at)}/`;
  url.search = '';
  url.hash = '';
  return url.href;
}

/** Normalises an http(s) (or ws(s)) base URL; throws INVALID_PARAMS for anything else. */
export function parseServerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParams(`Server URL "${url}" is not an absolute URL such as https://parley.example.com`, { field: 'server' });
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw invalidParams(`Server URL "${url}" must start with http://, https://, ws:// or wss://`, { field: 'server' });
  }
  return parsed;
}

/** Normalises one URL or a non-empty list of them; throws INVALID_PARAMS otherwise. */
export function parseServerSetting(setting: ServerSetting): string[] {
  const urls = typeof setting === 'string' ? [setting] : setting;
  if (!Array.isArray(urls) || urls.length === 0) throw invalidParams('A server is a URL or a non-empty list of URLs', { field: 'server' });
  return [...new Set(urls.map((url: string) => parseServerUrl(url).href))];
}

export function setDefaultServer(setting: ServerSetting | undefined): void {
  defaultServer = setting === undefined ? undefined : parseServerSetting(setting);
}

/** The server a client talks to: its own option, else setServer(), else the script's server, else the page's origin. */
export function resolveServer(clientOption?: ServerSetting): string {
  return resolveServers(clientOption)[0]!;
}

/** Every node a join may try, in order (one entry unless a list was set). */
export function resolveServers(clientOption?: ServerSetting): string[] {
  if (clientOption !== undefined) return parseServerSetting(clientOption);
  if (defaultServer) return [...defaultServer];
  const chosen = scriptServer ?? pageOrigin();
  if (!chosen) throw invalidParams('No Parley server: call ParleyRTC.setServer("https://your-parley-server") first', { field: 'server' });
  return [parseServerUrl(chosen).href];
}

/** `https://host/base/` → `wss://host/base/v1/rtc` (a path prefix behind a proxy is kept). */
export function signalingUrl(server: string): string {
  const url = parseServerUrl(server);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.pathname = url.pathname.replace(/\/+$/, '') + SIGNALING_PATH;
  url.search = '';
  url.hash = '';
  return url.href;
}

function pageOrigin(): string | undefined {
  const origin = typeof location === 'undefined' ? undefined : location.origin;
  // file:// pages and sandboxed frames have the opaque origin "null".
  return origin && origin !== 'null' ? origin : undefined;
}
