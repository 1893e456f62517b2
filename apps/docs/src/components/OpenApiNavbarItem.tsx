/**
 * The navbar's "OpenAPI" link: the document of the API server the portal talks to (see serverHref).
 */
import React from 'react';
import DefaultNavbarItem from '@theme/NavbarItem/DefaultNavbarItem';
import { serverHref, useApiBaseUrl } from './serverHref';

export default function OpenApiNavbarItem(props: { mobile?: boolean; position?: 'left' | 'right' }): React.JSX.Element {
  return <DefaultNavbarItem {...props} label="OpenAPI" href={serverHref(useApiBaseUrl(), '/v1/openapi.json')} autoAddBaseUrl={false} />;
}
