/**
 * A built static site under a path prefix (the docs portal at /docs, the console at /console).
 *
 * Files are read from disk on each request (not cached at startup) so a rebuilt site shows up
 * without a restart; these are people's pages, not the API's hot path. `<prefix>/x` is looked up
 * as the file `x`, then `x.html` (Docusaurus writes pages that way with `trailingSlash: false`),
 * then `x/index.html`, with or without a trailing slash. What is not found is the site's own
 * 404 page, or, for a single-page app, its index.html (the app routes on the client).
 * Hashed bundles under `<prefix>/assets/` are cached for a year, everything else revalidates (ETag).
 * A missing build answers the API's 404 envelope saying how to build it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domainError.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

interface Found {
  file: string;
  size: number;
  mtimeMs: number;
}

async function fileAt(file: string): Promise<Found | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? { file, size: stat.size, mtimeMs: stat.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** The file a URL path names inside the site, or undefined; never a file outside `root`. */
async function resolve(root: string, urlPath: string): Promise<Found | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const target = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (target !== root && !target.startsWith(`${root}${path.sep}`)) return undefined;
  // A trailing slash names the same page (the API's router ignores trailing slashes too).
  return (await fileAt(target)) ?? (await fileAt(`${target}.html`)) ?? (await fileAt(path.join(target, 'index.html')));
}

async function send(found: Found, status: number, immutable: boolean, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
  reply
    .header('Cache-Control', immutable ? IMMUTABLE : REVALIDATE)
    .header('ETag', etag)
    .header('X-Content-Type-Options', 'nosniff')
    .type(CONTENT_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream');
  const ifNoneMatch = request.headers['if-none-match'];
  if (status === 200 && ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) return reply.code(304).send();
  return reply.code(status).send(await fs.readFile(found.file));
}

export interface StaticSiteOptions {
  /** The URL prefix, such as `/docs`. */
  prefix: string;
  /** The built site's folder. */
  root: string;
  /** `pages`: unknown paths get the site's 404.html. `spa`: they get index.html with 200. */
  fallback: 'pages' | 'spa';
  /** What the site is, for the "not built" answer: "The docs site". */
  name: string;
}

export function registerStaticSite(app: FastifyInstance, options: StaticSiteOptions): void {
  const root = path.resolve(options.root);
  const { prefix } = options;

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    const found = await resolve(root, rest);
    if (found) return send(found, 200, rest.startsWith('assets/'), request, reply);
    // A missing hashed bundle is an old page asking for last build's file: a 404, not the app.
    if (options.fallback === 'spa' && !rest.startsWith('assets/')) {
      const index = await fileAt(path.join(root, 'index.html'));
      if (index) return send(index, 200, false, request, reply);
    }
    const notFoundPage = options.fallback === 'pages' ? await fileAt(path.join(root, '404.html')) : undefined;
    if (notFoundPage) return send(notFoundPage, 404, false, request, reply);
    if (!(await fileAt(path.join(root, 'index.html')))) {
      throw new DomainError('not_found', `${options.name} is not built (${path.relative(process.cwd(), root) || root} has no pages): run \`npm run build\` and reload`, 'path');
    }
    throw new DomainError('not_found', `${options.name} has no file ${rest}`, 'path');
  };

  const hidden = { schema: { hide: true } };
  // `<prefix>` itself: the site's links are relative to `<prefix>/`, so send browsers there first.
  app.get(prefix, hidden, async (request, reply) => {
    if (request.url.split('?')[0] === `${prefix}/`) return handler(request, reply);
    return reply.redirect(`${prefix}/`, 301);
  });
  app.get(`${prefix}/*`, hidden, handler);
}
