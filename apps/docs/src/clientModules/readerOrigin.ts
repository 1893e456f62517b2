/**
 * Loaded only when the site was built without `PARLEY_DOCS_URL`: the theme keeps writing canonical,
 * `og:url` and hreflang links and breadcrumb structured data into the head in the browser, from the
 * stand-in site URL. Each is rewritten to the origin the reader loaded the page from, which is the
 * right one for them.
 */
import { UNSET_SITE_URL } from '../siteUrl';

const ATTRIBUTES = ['href', 'content'];

function rewrite(element: Element): void {
  for (const name of ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (value?.startsWith(UNSET_SITE_URL)) element.setAttribute(name, window.location.origin + value.slice(UNSET_SITE_URL.length));
  }
}

function rewriteHead(): void {
  for (const element of document.head.querySelectorAll('link, meta')) rewrite(element);
  for (const script of document.head.querySelectorAll('script[type="application/ld+json"]')) {
    if (script.textContent?.includes(UNSET_SITE_URL)) script.textContent = script.textContent.replaceAll(UNSET_SITE_URL, window.location.origin);
  }
}

if (typeof window !== 'undefined') {
  rewriteHead();
  // The theme's head manager replaces these tags on every navigation.
  new MutationObserver(rewriteHead).observe(document.head, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
}
