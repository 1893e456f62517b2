/**
 * Static files the server hands to browsers: the SDK bundles at /sdk/ (built by
 * `npm run build` into packages/sdk-web/dist) and the demo call page at /call. Files are read
 * once at startup and served from memory with an ETag, `Cache-Control: no-cache` (browsers
 * revalidate, so a rebuilt SDK shows up at the next load) and `nosniff`. A missing bundle answers
 * a 404 envelope that says how to build it, rather than a bare "route not found".
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../http/apiError.ts';

export interface WebAssetsOptions {
  /** Serve the demo call page at /call (dev mode). */
  demo: boolean;
  /** Where the SDK bundles are; default packages/sdk-web/dist (tests point elsewhere). */
  sdkDir?: string;
}

interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const SDK_DIST_DIR = path.resolve(here, '../../../sdk-web/dist');
const CALL_DIR = path.join(here, 'call');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const SDK_FILES = ['parley-rtc.js', 'parley-rtc.js.map', 'parley-rtc.mjs', 'parley-rtc.mjs.map'];
const CALL_FILES: Record<string, string> = { '/call': 'index.html', '/call/app.js': 'app.js', '/call/style.css': 'style.css' };
const hidden = { schema: { hide: true } };

function load(file: string): Asset | undefined {
  let body: Buffer;
  try {
    body = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  return {
    body,
    contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function send(asset: Asset, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('ETag', asset.etag).header('Cache-Control', 'no-cache').header('X-Content-Type-Options', 'nosniff');
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === asset.etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

export function registerWebAssets(app: FastifyInstance, options: WebAssetsOptions): void {
  for (const name of SDK_FILES) {
    const asset = load(path.join(options.sdkDir ?? SDK_DIST_DIR, name));
    app.get(`/sdk/${name}`, hidden, async (request, reply) => {
      if (!asset) {
        throw new ApiError('not_found', {
          field: 'path',
          reason: `The browser SDK is not built (${name} is missing from packages/sdk-web/dist): run \`npm run build\` and restart the server`,
        });
      }
      return send(asset, request, reply);
    });
  }

  for (const [route, name] of Object.entries(CALL_FILES)) {
    const asset = options.demo ? load(path.join(CALL_DIR, name)) : undefined;
    app.get(route, hidden, async (request, reply) => {
      if (!options.demo) throw new ApiError('not_found', { field: 'path', reason: 'The demo call page is served only in dev mode (npm start)' });
      if (!asset) throw new ApiError('not_found', { field: 'path', reason: `The demo call page file ${name} is missing from the server` });
      return send(asset, request, reply);
    });
  }
}
