/**
 * Without a configured site URL (`PARLEY_DOCS_URL`), the built pages carry no canonical, `og:url` or
 * hreflang links: the theme would fill them with a stand-in address, and a reader's server has
 * its own. With one, this plugin does nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from '@docusaurus/types';

/** The `<link>` and `<meta>` tags of a page whose address is under `siteUrl` (quoted or not, as the minifier leaves them). */
export function siteUrlTags(siteUrl: string): RegExp {
  const quoted = siteUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<(?:link|meta)\\b[^>]*=["']?${quoted}[^>]*>`, 'g');
}

function htmlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

export default function siteUrlLinks(_context: unknown, options: { unsetSiteUrl?: string }): Plugin {
  return {
    name: 'parley-site-url-links',
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
