/**
 * The files of the quickstart apps (examples/quickstarts/<app>/) that their docs pages show, and the
 * partial under docs/_generated/ each is written to (scripts/guideContent.ts writes them; the docs
 * tests read them back from the built pages).
 */
import path from 'node:path';

/**
 * The quickstart pages' code, by app: each file with its Prism language (Prism has no Vue grammar;
 * a single-file component reads well as HTML).
 */
export const QUICKSTART_FILES: Record<string, Record<string, string>> = {
  javascript: { 'index.html': 'html', 'main.js': 'js', 'style.css': 'css' },
  react: { 'src/useCall.ts': 'ts', 'src/VideoPlayer.tsx': 'tsx', 'src/App.tsx': 'tsx', 'src/main.tsx': 'tsx', 'src/style.css': 'css' },
  vue: { 'src/VideoPlayer.vue': 'html', 'src/App.vue': 'html', 'src/main.js': 'js', 'src/style.css': 'css' },
};

/** The partial a quickstart page imports for one file: quickstart-react-useCall.mdx. */
export function quickstartPartial(app: string, file: string): string {
  return `quickstart-${app}-${path.basename(file, path.extname(file))}.mdx`;
}
