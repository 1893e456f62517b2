/**
 * The portal's Docusaurus configuration (see siteConfig.ts), and which API server the testers call
 * by default. Built for `parley serve` (which serves the site at /docs): the page's own origin.
 * Under `npm run docs` (the dev server, on another port): the server `npm start` runs. Either way
 * `PARLEY_DOCS_API_URL` overrides it, and readers can type another URL into the tester.
 */
import { createSiteConfig } from './siteConfig.ts';

const devServer = process.env.NODE_ENV === 'development';

export default createSiteConfig({
  apiBaseUrl: process.env.PARLEY_DOCS_API_URL ?? (devServer ? 'http://127.0.0.1:8080' : ''),
});
