/**
 * The developer portal at /docs: the static site `npm run build` writes to apps/docs/build,
 * served as pages (unknown paths get the site's own 404 page).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { registerStaticSite } from './staticSite.ts';

export interface DocsOptions {
  /** The built site; default apps/docs/build of this repository (tests point elsewhere). */
  root?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const DOCS_BUILD_DIR = path.resolve(here, '../../../../apps/docs/build');

export function registerDocs(app: FastifyInstance, options: DocsOptions = {}): void {
  registerStaticSite(app, { prefix: '/docs', root: options.root ?? DOCS_BUILD_DIR, fallback: 'pages', name: 'The docs site' });
  // The REST page (the user's spec, kept verbatim) links to "../sdk-documentation/…", which from
  // /docs/rest-apis-for-video-calling leaves the portal: send it to the SDK guide inside.
  // The rest of the URL goes along as sent (still encoded), and always under this site's /docs.
  app.get('/sdk-documentation/*', { schema: { hide: true } }, async (request, reply) =>
    reply.redirect(`/docs${request.url}`, 301),
  );
}
