/**
 * Links from the portal to pages of the Parley server itself (its OpenAPI document, console, demo
 * call). Served by `parley serve`, those are on this origin but outside the site's `/docs/` base;
 * built for a separate API server (`PARLEY_DOCS_API_URL`), they are that server's.
 */
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import { trimBase } from '../api/request';

/** `pathname://` makes Docusaurus' Link render a plain anchor (a full page load), not an in-site route. */
export function serverHref(apiBaseUrl: string, pathname: string): string {
  return apiBaseUrl === '' ? `pathname://${pathname}` : `${trimBase(apiBaseUrl)}${pathname}`;
}

/** The API server the site was built for: '' when it is the origin the portal is served from. */
export function useApiBaseUrl(): string {
  const configured = useDocusaurusContext().siteConfig.customFields?.apiBaseUrl;
  return typeof configured === 'string' ? configured : '';
}
