/**
 * Build step of the portal: writes docs/sdk-documentation/migrating-from-agora.mdx from what the
 * SDK itself says, so the page cannot drift from the code:
 *   - the coverage report (packages/sdk-web/scripts/coverage.ts reads Agora's and Parley's
 *     declarations): per interface, what is present, what is a documented no-op and why, what is missing;
 *   - the "Differences from Agora" section of the SDK's README (behaviour that types cannot show).
 * The page is git-ignored. Run with Node 24: `npm run sdk-pages -w apps/docs` (the docs build runs it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coverage, type CoverageReport } from '../../../packages/sdk-web/scripts/coverage.ts';
import { frontMatter } from './lib/mdx.ts';

const siteDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sdkReadme = path.resolve(siteDir, '../../packages/sdk-web/README.md');
const page = path.join(siteDir, 'docs/sdk-documentation/migrating-from-agora.mdx');

/** Markdown prose made safe for MDX: `{`, `}` and `<` escaped outside code spans, which MDX keeps literal. */
export function mdxProse(markdown: string): string {
  return markdown
    .split(/(`[^`\n]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/[{}]/g, (char) => `\\${char}`).replace(/</g, '&lt;')))
    .join('');
}

/** A `## heading` section of a Markdown file, without its heading. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 1000) / 10}%`;
}

export function migrationPage(report: CoverageReport, differences: string): string {
  const { present, 'no-op': noop, missing } = report.totals;
  const rows = report.interfaces.map(({ agora, parley, members }) => {
    const count = (status: string) => members.filter((member) => member.status === status).length;
    return `| \`${agora}\` | \`${parley}\` | ${count('present')} | ${count('no-op')} | ${count('missing')} |`;
  });
  const details = report.interfaces.flatMap(({ agora, members }) => {
    const noops = members.filter((member) => member.status === 'no-op');
    const absent = members.filter((member) => member.status === 'missing');
    if (noops.length === 0 && absent.length === 0) return [];
    return [
      `### ${agora.replace(/ events$/, ' (events)')}`,
      '',
      ...noops.map((member) => `- \`${member.name}\`: ${mdxProse(member.reason ?? '')}`),
      ...(absent.length > 0 ? ['', `Missing: ${absent.map((member) => `\`${member.name}\``).join(', ')}`] : []),
      '',
    ];
  });
  return [
    frontMatter({ title: 'Migrating from Agora', sidebar_label: 'Migrating from Agora', sidebar_position: 5 }),
    '',
    `Parley's Web SDK has the shape and names of Agora's \`agora-rtc-sdk-ng\` ${report.agoraVersion}: an app written for Agora runs after one change, the script tag or the import (see the [SDK guide](./video-calling-sdk-guide.mdx)). This page lists exactly what differs. It is generated when the docs are built, from the SDK's own coverage report (\`npm run sdk:coverage\`, which reads both SDKs' TypeScript declarations) and the SDK's README, so it always matches the SDK served with these docs.`,
    '',
    '## Coverage',
    '',
    `Of the ${present + noop + missing} members of Agora's interfaces, ${present} work as in Agora, ${noop} are documented no-ops (they exist, log their reason once and never throw where Agora would not) and ${missing} ${missing === 1 ? 'is' : 'are'} missing: ${percent(present + noop, present + noop + missing)} covered.`,
    '',
    '| Agora | Parley | works | no-op | missing |',
    '|---|---|---:|---:|---:|',
    ...rows,
    '',
    '## Behaviour that differs',
    '',
    mdxProse(differences),
    '',
    '## Documented no-ops',
    '',
    'Calls that need Agora\'s cloud (log upload, extensions, CDN push, media relay, cloud proxy…) do nothing in Parley, each for the reason given here.',
    '',
    ...details,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const report = coverage();
  fs.mkdirSync(path.dirname(page), { recursive: true });
  fs.writeFileSync(page, migrationPage(report, section(fs.readFileSync(sdkReadme, 'utf8'), 'Differences from Agora')));
  console.log(`sdk-pages: migration page from ${report.interfaces.length} interfaces, ${Math.round(performance.now() - started)} ms`);
}
