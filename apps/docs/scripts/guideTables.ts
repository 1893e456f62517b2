/**
 * Build step of the portal: the tables the guides show, generated from the server itself and
 * written as MDX partials under docs/_generated/ (git-ignored; `_` keeps them off the sidebar):
 *   - config-table.mdx    every PARLEY_* variable, by the generator that writes README's table
 *   - metrics-parley.mdx  Parley's metrics, as GET /metrics of a real server exposes them
 *   - metrics-runtime.mdx the Node.js process metrics beside them
 * Run with Node 24: `npm run guide-tables -w apps/docs` (the docs build runs it first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configTable } from '@parley/server';
import { getText, withInProcessServer } from './lib/inProcessServer.ts';
import { metricsTables } from './lib/metricsTables.ts';
import { parsePrometheusText } from './lib/prometheusText.ts';

const siteDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const generatedDir = path.join(siteDir, 'docs', '_generated');

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

console.log(`guide tables: config and ${families.length} metrics, ${Math.round(performance.now() - started)} ms`);
