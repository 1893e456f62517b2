/**
 * The portal as a reader finds it, checked in the built site: the home page leads to every guide
 * and to the server's own pages, each page's sidebar label, title and heading agree, and index
 * pages draw their card icons without needing an emoji font.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDocsBuilt } from '../support/docsSite.ts';

let buildDir: string;
/** Every built page, as its route under /docs/ ('' for the home page). */
let routes: string[];
const html = (route: string) => fs.readFileSync(path.join(buildDir, `${route || 'index'}.html`), 'utf8');
const text = (fragment: string) => fragment.replace(/<[^>]+>/g, '').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&').trim();

beforeAll(async () => {
  buildDir = await ensureDocsBuilt();
  routes = fs.readdirSync(buildDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.html') && !file.startsWith('assets'))
    .map((file) => file.slice(0, -'.html'.length).replace(/^index$/, ''));
}, 300_000);

describe('the home page', () => {
  /** Pages reached from another page rather than from the home page, and why. */
  const REACHED_ELSEWHERE = [
    /^404$/, /^search$/,
    /^reference\/./, // one page per operation, under the API reference
    /^sdk-documentation\/api\/./, // one page per SDK class, under the SDK API reference
    /^signaling\/(client|server)-messages$/, // linked from the signaling overview
    /^(self-hosting|sdk-documentation)$/, // indexes of guides the home page links one by one
  ];

  it('links every guide, the references, and the server\'s console, demo call and OpenAPI document', () => {
    const links = new Set([...html('').matchAll(/href="?([^" >]+)/g)].map((match) => match[1]));
    const guides = routes.filter((route) => route !== '' && !REACHED_ELSEWHERE.some((pattern) => pattern.test(route)));
    expect(guides.length).toBeGreaterThan(15);
    expect(guides.filter((route) => !links.has(`/docs/${route}`))).toEqual([]);
    for (const serverPage of ['/console/', '/call', '/v1/openapi.json']) expect(links.has(serverPage), serverPage).toBe(true);
  });
});

describe('every page', () => {
  it('has a sidebar label, a title and a heading that agree', () => {
    const disagreements: string[] = [];
    for (const route of routes.filter((r) => !['', '404', 'search'].includes(r))) {
      const page = html(route);
      const title = text(page.match(/<title[^>]*>([^<]*)<\/title>/)?.[1] ?? '').replace(/ \| Parley$/, '');
      const heading = text(page.match(/<h1[^>]*>([\s\S]*?)<\/h1>/)?.[1] ?? '');
      const label = text(page.match(/menu__link--active"? aria-current="?page"?[^>]*>([\s\S]*?)<\/a>/)?.[1] ?? '');
      // The seed page keeps its front matter title verbatim ("Authentication for REST APIs") under
      // its heading "REST APIs for Video Calling"; its sidebar label names both.
      if (route === 'rest-apis-for-video-calling') {
        expect([title, heading, label]).toEqual(['Authentication for REST APIs', 'REST APIs for Video Calling', 'REST APIs and authentication']);
        continue;
      }
      if (title !== heading || (label && label !== heading)) disagreements.push(`${route}: title "${title}", heading "${heading}", sidebar "${label}"`);
      if (/\\_|\\</.test(title + heading + label)) disagreements.push(`${route}: a Markdown escape shows: "${title}"`);
    }
    expect(disagreements).toEqual([]);
  });
});

describe('index pages', () => {
  it('draw card icons as SVG, not as emoji a machine may have no font for', () => {
    for (const route of ['reference', 'self-hosting']) {
      const page = html(route);
      expect(page.match(/class="?cardIcon/g)?.length, route).toBeGreaterThan(3);
      expect(page, route).not.toMatch(/🗃|📄|🔗/u);
    }
  });
});
