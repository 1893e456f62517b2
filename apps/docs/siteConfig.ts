/**
 * The Docusaurus configuration of the portal, as a function so the test that builds the seed page
 * verbatim can reuse it with another docs folder and lenient link checks.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import { darkCodeTheme, lightCodeTheme } from './prismThemes.ts';
import { UNSET_SITE_URL } from './src/siteUrl.ts';

export interface SiteOptions {
  /** Folder of the docs pages (default `docs`, relative to the site). */
  docsPath?: string;
  /** Fail the build on a broken link (default true); the verbatim seed links to pages Parley does not have. */
  strictLinks?: boolean;
  /** API server the tester and code samples default to; empty means the page's own origin. */
  apiBaseUrl?: string;
  /**
   * Where the site is published, for canonical and `og:url` links (`PARLEY_DOCS_URL`). Without it
   * the build leaves those links out rather than name a server the reader does not have.
   */
  siteUrl?: string;
}

// Absolute, because Docusaurus resolves relative plugin paths from the config file's folder, and
// the seed test's config file lives elsewhere.
const here = path.dirname(fileURLToPath(import.meta.url));

/** docusaurus-plugin-typedoc over the SDK's entry point, into docs/sdk-documentation/api (git-ignored). */
function sdkReference(): [string, Record<string, unknown>] {
  const sdk = path.join(here, '../../packages/sdk-web');
  return [
    'docusaurus-plugin-typedoc',
    {
      entryPoints: [path.join(sdk, 'src/index.ts')],
      tsconfig: path.join(here, '../../tsconfig.json'),
      out: 'docs/sdk-documentation/api',
      readme: 'none',
      excludePrivate: true,
      excludeInternal: true,
      excludeExternals: true,
      disableSources: true,
      sidebar: { autoConfiguration: true, pretty: true },
      indexFormat: 'table',
      parametersFormat: 'table',
      interfacePropertiesFormat: 'table',
      classPropertiesFormat: 'table',
      enumMembersFormat: 'table',
      hideBreadcrumbs: true,
      // Titles without markdown escapes: Docusaurus takes the heading verbatim as the page title and
      // sidebar label, so `{name}` showed "SDK\_CODEC". Names alone read better in the sidebar.
      pageTitleTemplates: { index: 'Web SDK API reference', member: '{rawName}', module: '{rawName}' },
      // `@internal` members are plumbing between the SDK's modules, not API.
      excludeTags: ['@internal'],
      validation: { notExported: false, invalidLink: false },
    },
  ];
}

export function createSiteConfig(options: SiteOptions = {}): Config {
  const strict = options.strictLinks ?? true;
  return {
    title: 'Parley',
    tagline: 'Self-hosted video calling: REST API, signaling and SDKs',
    favicon: 'img/logo.svg',
    // The Parley server serves the built site under /docs (packages/server/src/web/docs.ts).
    url: options.siteUrl || UNSET_SITE_URL,
    baseUrl: '/docs/',
    trailingSlash: false,
    onBrokenLinks: strict ? 'throw' : 'warn',
    onBrokenAnchors: strict ? 'throw' : 'warn',
    markdown: {
      // .md files are plain CommonMark, .mdx files MDX: the SDK reference TypeDoc writes (.md) quotes
      // doc comments such as "the <video> element" that MDX would read as JSX.
      format: 'detect',
      // The seed page uses the MDX 1 admonition title syntax (`:::warning Security note`); keep it.
      mdx1Compat: { admonitions: true, comments: true, headingIds: true },
      hooks: { onBrokenMarkdownLinks: strict ? 'throw' : 'warn' },
    },
    future: {
      // The v4 flags, but two. `mdx1CompatDisabledByDefault` would make the seed's `:::warning Security
      // note` render silently as plain text. `useCssCascadeLayers` is emulated for this browserslist
      // with `:not(#\#)` specificity bumps on Infima's rules, which then beat src/css/custom.css (the
      // theme colours, chosen for contrast) and the components' CSS modules.
      v4: {
        removeLegacyPostBuildHeadAttribute: true,
        useCssCascadeLayers: false,
        siteStorageNamespacing: true,
        fasterByDefault: true,
        mdx1CompatDisabledByDefault: false,
      },
      // rspack, SWC and Lightning CSS: a cold build in ~3 s instead of ~13 s with webpack.
      faster: true,
    },
    customFields: { apiBaseUrl: options.apiBaseUrl ?? '' },
    i18n: { defaultLocale: 'en', locales: ['en'] },
    plugins: [
      path.join(here, 'plugins/nodePolyfills.ts'),
      // The SDK's API reference, one page per class and interface, generated from its TypeScript
      // (the sites that reuse this configuration with another docs folder do without it).
      ...(options.docsPath === undefined ? [sdkReference()] : []),
      [path.join(here, 'plugins/siteUrlLinks.ts'), { unsetSiteUrl: options.siteUrl ? undefined : UNSET_SITE_URL }],
    ],
    // Search that works offline: the index is built with the site (guides and the generated
    // reference alike) and searched in the reader's browser; no search service is called.
    themes: [
      [
        '@easyops-cn/docusaurus-search-local',
        {
          hashed: true,
          docsRouteBasePath: '/',
          indexBlog: false,
          indexPages: true,
          language: ['en'],
          searchBarShortcut: true,
          searchBarShortcutHint: true,
          searchResultLimits: 10,
          highlightSearchTermsOnTargetPage: false,
          explicitSearchResultPath: true,
          // The live tester's form (labels, placeholders, code samples) is not what readers look for.
          ignoreCssSelectors: ['section[data-operation]'],
        },
      ],
    ],
    // "/" opens the search box too, as on GitHub and MDN (the theme's own shortcut is Ctrl/⌘+K).
    clientModules: [path.join(here, 'src/searchShortcut.ts')],
    presets: [
      [
        'classic',
        {
          docs: {
            path: options.docsPath ?? 'docs',
            routeBasePath: '/',
            sidebarPath: path.join(here, 'sidebars.ts'),
          },
          blog: false,
          theme: { customCss: path.join(here, 'src/css/custom.css') },
          sitemap: false,
        } satisfies Preset.Options,
      ],
    ],
    themeConfig: {
      colorMode: { respectPrefersColorScheme: true },
      navbar: {
        title: 'Parley',
        // Empty alt: the title beside it already says "Parley".
        logo: { alt: '', src: 'img/logo.svg' },
        items: [
          { type: 'docSidebar', sidebarId: 'docs', position: 'left', label: 'Docs' },
          // The API server's document, outside the docs site (src/components/OpenApiNavbarItem.tsx).
          { type: 'custom-openApiLink', position: 'right' },
        ],
      },
      footer: {
        style: 'dark',
        copyright: 'Parley · Apache-2.0',
      },
      prism: {
        theme: lightCodeTheme,
        darkTheme: darkCodeTheme,
        additionalLanguages: ['bash', 'json', 'java', 'php', 'ruby', 'csharp'],
      },
    } satisfies Preset.ThemeConfig,
  };
}
