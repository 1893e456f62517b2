/**
 * What the console's browser tests share: the built console (built here when a single test file
 * runs without `npm run build`), Chromium with fake camera and microphone, signing in through
 * the form, and an axe-core audit.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CONSOLE_BUILD_DIR } from '@parley/server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../sdk/support/browser.ts';
import { REPO_DIR } from '../support/docsSite.ts';

export const SCREENSHOT_DIR = path.join(REPO_DIR, 'test-results/console');

export async function ensureConsoleBuilt(): Promise<void> {
  if (!fs.existsSync(path.join(CONSOLE_BUILD_DIR, 'index.html'))) {
    await promisify(execFile)('npm', ['run', 'build', '-w', 'apps/console'], { cwd: REPO_DIR, maxBuffer: 64 * 1024 * 1024 });
  }
}

export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface ContextOptions {
  width?: number;
  colorScheme?: 'light' | 'dark';
  /** Lets a test inject axe-core, which the console's CSP rightly blocks. */
  bypassCSP?: boolean;
}

export async function newContext(browser: Browser, url: string, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
    bypassCSP: options.bypassCSP ?? false,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write', 'camera', 'microphone'], { origin: url });
  return context;
}

/** Signs in through the form and waits for the projects page. */
export async function signIn(context: BrowserContext, url: string, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects', level: 2 }).waitFor();
  return page;
}

/** The session cookie of a signed-in context, for calling the API as that user. */
export async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'parley_session');
  if (!cookie) throw new Error('not signed in');
  return `${cookie.name}=${cookie.value}`;
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5) }));
}
