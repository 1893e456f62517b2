/**
 * The portal's Docusaurus configuration (see siteConfig.ts), read from the environment at build time:
 * - `PARLEY_DOCS_API_URL`: the API server the testers, code samples and the navbar's OpenAPI link
 *   use. Unset, a built site uses the origin it is served from (`parley serve` serves it at /docs);
 *   the dev server (`npm run docs`, another port) uses the server `npm start` runs. Readers can
 *   type another URL into the tester either way.
 * - `PARLEY_DOCS_URL`: where the site is published (`https://docs.example.com`), for canonical and
 *   `og:url` links. Unset, pages have none.
 */
import { createSiteConfig } from './siteConfig.ts';

const devServer = process.env.NODE_ENV === 'development';

export default createSiteConfig({
  apiBaseUrl: process.env.PARLEY_DOCS_API_URL ?? (devServer ? 'http://127.0.0.1:8080' : ''),
  siteUrl: process.env.PARLEY_DOCS_URL ?? '',
});
