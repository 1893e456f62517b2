/**
 * The SDK pages of the portal: "Migrating from Agora" is generated from the SDK's coverage report
 * and README (every documented no-op and every difference appears, with MDX-special characters
 * intact), the API reference is generated from the SDK's TypeScript, and the REST page's link to
 * the SDK guide leads to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationPage, mdxProse, section } from '../../apps/docs/scripts/sdkPages.ts';
import { coverage } from '../../packages/sdk-web/scripts/coverage.ts';
import { DOCUMENTED_NOOPS } from '../../packages/sdk-web/src/compat/noops.ts';
import { DOCS_DIR, ensureDocsBuilt } from '../support/docsSite.ts';

describe('the SDK pages', () => {
  it('escape what MDX would read as JSX outside code, and keep code spans as they are', () => {
    expect(mdxProse('publish({id, …}) and <div> but `createClient({ mode })` stays')).toBe('publish(\\{id, …\\}) and &lt;div> but `createClient({ mode })` stays');
    expect(section('# T\n\n## A\n\none\n\n## B\n\ntwo\n', 'A')).toBe('one');
    expect(() => section('## A\n', 'Missing')).toThrow('no "## Missing" section');
  });

  it('list every documented no-op with its reason and every difference the SDK\'s README names', { timeout: 120_000 }, () => {
    const readme = fs.readFileSync(path.join(DOCS_DIR, '../../packages/sdk-web/README.md'), 'utf8');
    const differences = section(readme, 'Differences from Agora');
    const page = migrationPage(coverage(), differences);
    for (const members of Object.values(DOCUMENTED_NOOPS)) {
      for (const name of Object.keys(members)) expect(page).toContain(`\`${name}\``);
    }
    for (const line of differences.split('\n').filter((text) => text.startsWith('- '))) expect(page).toContain(mdxProse(line));
    expect(page).toMatch(/and 0 are missing: 100% covered/);
  });

  it('are built, and the guide sits where the REST page links to it', async () => {
    const build = await ensureDocsBuilt();
    const guide = fs.readFileSync(path.join(build, 'sdk-documentation/video-calling-sdk-guide.html'), 'utf8');
    expect(guide.match(/<h1>([^<]*)<\/h1>/)?.[1]).toBe('Web SDK guide');
    const migration = fs.readFileSync(path.join(build, 'sdk-documentation/migrating-from-agora.html'), 'utf8');
    expect(migration.includes('localDataChannels'), 'the migration page lists localDataChannels').toBe(true);
    // The API reference, generated from the SDK's TypeScript: a page per class, its methods and their comments.
    const client = fs.readFileSync(path.join(build, 'sdk-documentation/api/classes/ParleyClient.html'), 'utf8');
    for (const member of ['join()', 'publish()', 'setClientRole()', 'sendStreamMessage()']) expect(client.includes(member), member).toBe(true);
    expect(client.includes('One membership of one channel'), 'the class comment').toBe(true);
    const restPage = fs.readFileSync(path.join(build, 'rest-apis-for-video-calling.html'), 'utf8');
    expect(restPage.match(/href="?(\/docs\/sdk-documentation\/[^" >]+)/)?.[1]).toBe('/docs/sdk-documentation/video-calling-sdk-guide');
  });
});
