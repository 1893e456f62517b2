/**
 * Without a configured site URL (`PARLEY_DOCS_URL`), the built pages carry no canonical, `og:url` or
 * hreflang links and no breadcrumb structured data: the theme would fill them with a stand-in
 * address, and a reader's server has its own. In the browser, where the theme writes them again,
 * they name the page's own origin (src/clientModules/readerOrigin.ts). With a site URL, this plugin
 * does nothing. (The server
 * hashes inline scripts for its CSP from the page it sends, so removing one needs no other change.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from '@docusaurus/types';

/**
 * The tags of a page that name an address under `siteUrl`: `<link>` and `<meta>` (attributes quoted
 * or not, as the minifier leaves them) and JSON-LD scripts.
 */
export function siteUrlTags(siteUrl: string): RegExp {
  const quoted = siteUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tag = `<(?:link|meta)\\b[^>]*=["']?${quoted}[^>]*>`;
  const jsonLd = `<script\\b[^>]*application/ld\\+json[^>]*>(?:(?!</script>)[^])*?"${quoted}[^]*?</script>`;
  return new RegExp(`${tag}|${jsonLd}`, 'g');
}

function htmlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

export default function siteUrlLinks(_context: unknown, options: { unsetSiteUrl?: string }): Plugin {
  return {
    name: 'parley-site-url-links',
    getClientModules() {
      return options.unsetSiteUrl ? [fileURLToPath(new URL('../src/clientModules/readerOrigin.ts', import.meta.url))] : [];
    },
    async postBuild({ outDir }) {
      if (!options.unsetSiteUrl) return;
      const tags = siteUrlTags(options.unsetSiteUrl);
      for (const file of htmlFiles(outDir)) {
        const html = fs.readFileSync(file, 'utf8');
        const stripped = html.replace(tags, '');
        if (stripped !== html) fs.writeFileSync(file, stripped);
      }
    },
  };
}
