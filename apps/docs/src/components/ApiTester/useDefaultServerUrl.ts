/**
 * The server the tester calls unless the reader types another: `customFields.apiBaseUrl` when the
 * site was built for a separate API server (`PARLEY_DOCS_API_URL`), otherwise the page's own origin,
 * since `parley serve` serves these docs itself. Before hydration, the documented default address.
 */
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import useIsBrowser from '@docusaurus/useIsBrowser';
import { EXAMPLE_BASE_URL } from '../../api/methodProps';

export function useDefaultServerUrl(): string {
  const { siteConfig } = useDocusaurusContext();
  const isBrowser = useIsBrowser();
  const configured = siteConfig.customFields?.apiBaseUrl;
  if (typeof configured === 'string' && configured !== '') return configured;
  return isBrowser ? window.location.origin : EXAMPLE_BASE_URL;
}
