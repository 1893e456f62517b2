/**
 * Build step of the portal: what the guides show from the code rather than from prose, written as
 * MDX partials under docs/_generated/ (git-ignored; `_` keeps them off the sidebar):
 *   - config-table.mdx    every PARLEY_* variable, by the generator that writes README's table
 *   - metrics-parley.mdx  Parley's metrics, as GET /metrics of a real server exposes them
 *   - metrics-runtime.mdx the Node.js process metrics beside them
 *   - webhook-events.mdx  the event names a webhook subscribes to, from @parley/protocol
 *   - receiver-node.mdx, receiver-python.mdx  the webhook receivers of examples/ (tested files), verbatim
 *   - quickstart-<app>-<file>.mdx  the files of the quickstart apps in examples/quickstarts (built and
 *     run in a call by test/sdk/quickstarts.test.ts), verbatim, titled with their path in the app
 * Run with Node 24: `npm run guide-content -w apps/docs` (the docs build runs it first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEBHOOK_EVENTS } from '@parley/protocol';
import { configTable } from '@parley/server';
import { getText, withInProcessServer } from './lib/inProcessServer.ts';
import { text } from './lib/mdx.ts';
import { metricsTables } from './lib/metricsTables.ts';
import { QUICKSTART_FILES, quickstartPartial } from './lib/quickstarts.ts';
import { parsePrometheusText } from './lib/prometheusText.ts';

const siteDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const generatedDir = path.join(siteDir, 'docs', '_generated');
const repoDir = path.resolve(siteDir, '../..');

/** A repository file as a fenced code block titled with its path (or `title`). */
function codeFile(relativePath: string, language: string, title = relativePath): string {
  const source = fs.readFileSync(path.join(repoDir, relativePath), 'utf8');
  if (source.includes('```')) throw new Error(`${relativePath} holds a code fence; it cannot be shown in one`);
  return `\`\`\`${language} title="${title}"\n${source.trimEnd()}\n\`\`\`\n`;
}

const started = performance.now();
const exposition = await withInProcessServer(async (url) => {
  // One request first, so the request histogram has samples and its labels show.
  await getText(`${url}/healthz`);
  return getText(`${url}/metrics`);
});
const families = parsePrometheusText(exposition);
const metrics = metricsTables(families);

fs.rmSync(generatedDir, { recursive: true, force: true });
fs.mkdirSync(generatedDir, { recursive: true });
fs.writeFileSync(path.join(generatedDir, 'config-table.mdx'), `${configTable()}\n`);
fs.writeFileSync(path.join(generatedDir, 'metrics-parley.mdx'), `${metrics.parley}\n`);
fs.writeFileSync(path.join(generatedDir, 'metrics-runtime.mdx'), `${metrics.runtime}\n`);
fs.writeFileSync(
  path.join(generatedDir, 'webhook-events.mdx'),
  ['| Event | What it covers |', '| --- | --- |', ...Object.entries(WEBHOOK_EVENTS).map(([name, meaning]) => `| \`${name}\` | ${text(meaning)} |`)].join('\n') + '\n',
);
fs.writeFileSync(path.join(generatedDir, 'receiver-node.mdx'), codeFile('examples/webhook-receivers/node/receiver.mjs', 'js'));
fs.writeFileSync(path.join(generatedDir, 'receiver-python.mdx'), codeFile('examples/webhook-receivers/python/receiver.py', 'python'));
for (const [app, files] of Object.entries(QUICKSTART_FILES)) {
  for (const [file, language] of Object.entries(files)) {
    fs.writeFileSync(path.join(generatedDir, quickstartPartial(app, file)), codeFile(`examples/quickstarts/${app}/${file}`, language, file));
  }
}

console.log(`guide content: config, ${families.length} metrics, webhook receivers, quickstarts, ${Math.round(performance.now() - started)} ms`);
