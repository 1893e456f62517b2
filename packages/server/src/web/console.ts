/**
 * The console at /console: the single-page app `npm run build` writes to apps/console/dist. Its
 * routes live in the browser, so every path that is not a file answers index.html; its data
 * comes from the documented REST operations (console/routes.ts and the v1 table).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { registerStaticSite } from './staticSite.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONSOLE_BUILD_DIR = path.resolve(here, '../../../../apps/console/dist');

export function registerConsolePages(app: FastifyInstance, options: { root?: string } = {}): void {
  registerStaticSite(app, { prefix: '/console', root: options.root ?? CONSOLE_BUILD_DIR, fallback: 'spa', name: 'The console' });
}
