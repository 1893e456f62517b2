/**
 * Security headers of every HTML page the server serves (docs portal, demo call page, and any
 * page added later), in one place: a Content-Security-Policy fitted to the page family, no framing,
 * no referrer, nosniff, and no CORS. The API's JSON keeps its CORS; a page has no reason to be read
 * cross-origin, and `Access-Control-Allow-Origin: *` on it would let any site read it.
 *
 * Inline scripts (Docusaurus writes a theme script into every page) are allowed by their SHA-256
 * hash, computed from the page being sent, so a rebuilt site needs no configuration and an
 * injected script never runs. Why not @fastify/helmet: the policy differs by page and carries
 * per-page hashes, so its CSP would be written here anyway, and its other defaults (CORP,
 * COEP…) belong on pages, not on the cross-origin JSON API where a global helmet would put them.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type Directives = Record<string, string[]>;

const BASE: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Policies by path prefix; anything else that is HTML gets BASE. */
const PAGE_POLICIES: Array<{ prefix: string; directives: Directives }> = [
  {
    prefix: '/docs',
    directives: {
      ...BASE,
      // The tester validates input with ajv, which compiles JSON Schemas with `new Function`.
      'script-src': ["'self'", "'unsafe-eval'"],
      // React and the theme set style attributes.
      'style-src': ["'self'", "'unsafe-inline'"],
      'font-src': ["'self'", 'data:'],
      // The tester sends requests to whichever API server the reader types in.
      'connect-src': ["'self'", 'http:', 'https:'],
    },
  },
  {
    prefix: '/console',
    directives: {
      ...BASE,
      // Mantine sets style attributes and writes its theme's CSS variables into a <style> element.
      'style-src': ["'self'", "'unsafe-inline'"],
      // Recordings play from this server's file route.
      'media-src': ["'self'"],
    },
  },
  {
    // Signaling is a same-origin WebSocket ('self' covers ws: and wss: of this host); camera and
    // microphone streams play through srcObject, which media-src does not govern.
    prefix: '/call',
    directives: { ...BASE, 'media-src': ["'self'", 'blob:'] },
  },
];

const INLINE_SCRIPT = /<script(\s[^>]*)?>([\s\S]*?)<\/script\s*>/gi;
const DATA_BLOCK = /\btype\s*=\s*["']?application\/(?:ld\+)?json/i;

/** CSP source expressions for the executable inline scripts of a page (data blocks never run). */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, attributes = '', body = ''] of html.matchAll(INLINE_SCRIPT)) {
    if (/\bsrc\s*=/i.test(attributes) || DATA_BLOCK.test(attributes) || body === '') continue;
    hashes.add(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  }
  return [...hashes];
}

function policyFor(url: string, html: string): string {
  const path = url.split('?')[0] ?? '/';
  const page = PAGE_POLICIES.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
  const directives = { ...(page?.directives ?? BASE) };
  directives['script-src'] = [...directives['script-src']!, ...inlineScriptHashes(html)];
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

function isHtml(reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('text/html');
}

export function installHtmlSecurity(app: FastifyInstance): void {
  // The callback form: API answers pass through without a promise and a microtask turn each.
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    if (!isHtml(reply)) return done(null, payload);
    const html = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    reply
      .header('Content-Security-Policy', policyFor(request.url, html))
      .header('X-Frame-Options', 'DENY')
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Content-Type-Options', 'nosniff')
      .removeHeader('access-control-allow-origin')
      .removeHeader('access-control-expose-headers');
    done(null, payload);
  });
}
