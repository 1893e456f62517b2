/**
 * Build step of the portal: asks a real in-process Parley server for its OpenAPI document and writes
 *   - openapi.json                 the document as served
 *   - generated/operations.json    the operations flattened for the tester and guides
 *   - generated/errors.json        the error catalogue, for the Errors guide
 *   - docs/reference/              one MDX page per operation, grouped by tag for the sidebar
 * All of them are git-ignored: the server code is the only source. Run with Node 24:
 * `npm run openapi -w apps/docs` (the docs build runs it first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorCatalogue } from '@parley/protocol';
import { operationsFromOpenApi } from '../src/api/fromOpenApi.ts';
import { pageSlug } from '../src/api/pageSlug.ts';
import { referencePage } from './lib/referencePage.ts';
import { fetchServerDocument } from './lib/serverDocument.ts';

const siteDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const generatedDir = path.join(siteDir, 'generated');
const referenceDir = path.join(siteDir, 'docs', 'reference');

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const started = performance.now();
const document = await fetchServerDocument();
const operations = operationsFromOpenApi(document);

fs.mkdirSync(generatedDir, { recursive: true });
writeJson(path.join(siteDir, 'openapi.json'), document);
writeJson(path.join(generatedDir, 'operations.json'), operations);
writeJson(
  path.join(generatedDir, 'errors.json'),
  Object.entries(errorCatalogue).map(([key, entry]) => ({ key, status: entry.status, message: entry.message })),
);

// Rewritten from scratch so a removed operation leaves no stale page behind.
fs.rmSync(referenceDir, { recursive: true, force: true });
fs.mkdirSync(referenceDir, { recursive: true });
writeJson(path.join(referenceDir, '_category_.json'), {
  label: 'API reference',
  position: 50,
  link: {
    type: 'generated-index',
    slug: '/reference',
    title: 'API reference',
    description: `${document.info.title} ${document.info.version}, generated from the server's OpenAPI document. Every page has a live tester.`,
  },
});
// One sidebar group per tag, in the document's tag order, each operation in the document's order.
const tags = [...new Set([...(document.tags ?? []).map((tag) => tag.name), ...operations.map((operation) => operation.tag)])];
tags.forEach((tag, tagIndex) => {
  const members = operations.filter((operation) => operation.tag === tag);
  if (members.length === 0) return;
  const tagDir = path.join(referenceDir, pageSlug(tag.replace(/\s+/g, '')));
  fs.mkdirSync(tagDir, { recursive: true });
  writeJson(path.join(tagDir, '_category_.json'), {
    label: tag,
    position: tagIndex + 1,
    link: {
      type: 'generated-index',
      slug: `/reference/${path.basename(tagDir)}`,
      description: document.tags?.find((t) => t.name === tag)?.description ?? tag,
    },
  });
  members.forEach((operation, index) => {
    fs.writeFileSync(path.join(tagDir, `${pageSlug(operation.operationId)}.mdx`), referencePage(operation, index + 1));
  });
});

console.log(`openapi: ${operations.length} operations, ${Math.round(performance.now() - started)} ms`);
