/**
 * The theme's navbar item types plus `custom-openApiLink` (OpenApiNavbarItem), whose address
 * depends on the API server the site was built for.
 */
import ComponentTypes from '@theme-original/NavbarItem/ComponentTypes';
import OpenApiNavbarItem from '@site/src/components/OpenApiNavbarItem';

export default { ...ComponentTypes, 'custom-openApiLink': OpenApiNavbarItem };
