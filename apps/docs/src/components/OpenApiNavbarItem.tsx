/**
 * The navbar's "OpenAPI" link: the document of the API server the portal talks to. Served by
 * `parley serve`, that is this origin's `/v1/openapi.json`, outside the site's `/docs/` base, so the
 * base URL is not added; built for a separate API server (`PARLEY_DOCS_API_URL`), that server's.
 */
import React from 'react';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import DefaultNavbarItem from '@theme/NavbarItem/DefaultNavbarItem';
import { trimBase } from '../api/request';

/** `pathname://` makes Link render a plain anchor (a full page load), not an in-site route. */
export function openApiDocumentHref(apiBaseUrl: string): string {
  return apiBaseUrl === '' ? 'pathname:///v1/openapi.json' : `${trimBase(apiBaseUrl)}/v1/openapi.json`;
}

export default function OpenApiNavbarItem(props: { mobile?: boolean; position?: 'left' | 'right' }): React.JSX.Element {
  const { siteConfig } = useDocusaurusContext();
  const configured = siteConfig.customFields?.apiBaseUrl;
  const href = openApiDocumentHref(typeof configured === 'string' ? configured : '');
  return <DefaultNavbarItem {...props} label="OpenAPI" href={href} autoAddBaseUrl={false} />;
}
