/**
 * The site URL Docusaurus is given when `PARLEY_DOCS_URL` is not set: it needs one, but none is
 * right for every reader's server, so the links built from it are removed (plugins/siteUrlLinks.ts)
 * or rewritten in the browser (clientModules/readerOrigin.ts).
 */
export const UNSET_SITE_URL = 'http://parley.invalid';
