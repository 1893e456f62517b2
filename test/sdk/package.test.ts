/**
 * @parley/rtc-sdk as a user gets it: `npm pack` (which builds), installed from the tarball into an
 * app in a temporary folder with nothing else, offline. An app written as Agora's quick start
 * writes one (test/fixtures/agora-style-app/main.ts) must type-check against the package unchanged
 * but for its import, Node must load the ES module by the package's name, and a bundler must
 * resolve it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkBundleVersion } from '@parley/server';
import { VERSION } from '../../packages/sdk-web/src/version.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/agora-style-app/main.ts');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const PACKAGE = '@parley/rtc-sdk';

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2020',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2020', 'DOM', 'DOM.Iterable'],
    types: [],
    // The package's declarations are checked too, as a strict user's compiler would.
    skipLibCheck: false,
  },
  files: ['main.ts'],
};

interface TscResult {
  code: number;
  output: string;
}

async function tsc(project: string): Promise<TscResult> {
  try {
    const { stdout } = await run(process.execPath, [TSC, '-p', project, '--pretty', 'false']);
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? 1, output: failed.stdout ?? String(error) };
  }
}

describe(`the packed ${PACKAGE}`, () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-rtc-sdk-pack-'));
  const app = path.join(scratch, 'app');
  let tarball: string;
  let packedFiles: string[];

  beforeAll(async () => {
    // prepack builds dist/ (bundles and declarations) from the current sources.
    const { stdout } = await run('npm', ['pack', '-w', PACKAGE, '--pack-destination', scratch, '--json'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(scratch, packed!.filename);
    packedFiles = packed!.files.map((file) => file.path).sort();
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'agora-style-app', private: true, type: 'module' }));
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    fs.copyFileSync(FIXTURE, path.join(app, 'main.ts'));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app });
  }, 120_000);

  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('ships the two bundles, their source maps and one declaration file, and depends on nothing', () => {
    expect(packedFiles).toEqual([
      'README.md',
      'dist/parley-rtc.d.ts',
      'dist/parley-rtc.js',
      'dist/parley-rtc.js.map',
      'dist/parley-rtc.mjs',
      'dist/parley-rtc.mjs.map',
      'package.json',
    ]);
    const installed = path.join(app, 'node_modules', PACKAGE);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: PACKAGE, version: VERSION, license: 'Apache-2.0', types: './dist/parley-rtc.d.ts' });
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    const declarations = fs.readFileSync(path.join(installed, 'dist/parley-rtc.d.ts'), 'utf8');
    expect(declarations).not.toMatch(/^\s*(import|export)\b[^\n]*\bfrom\s/m);
    expect(declarations).not.toMatch(/@parley\/protocol|typebox/);
    // The banner names the version the server serves these bytes under (/sdk/<version>/).
    for (const bundle of ['parley-rtc.js', 'parley-rtc.mjs']) expect(sdkBundleVersion(fs.readFileSync(path.join(installed, 'dist', bundle)))).toBe(VERSION);
  });

  it('type-checks an app written for Agora with only its import changed; against Agora itself only the setServer line differs', async () => {
    // The same file against Agora's own declarations (the pinned devDependency), imported by the same name.
    const agoraConfig = path.join(scratch, 'tsconfig.agora.json');
    const agoraTypes = path.join(ROOT, 'node_modules/agora-rtc-sdk-ng/rtc-sdk_en.d.ts');
    fs.writeFileSync(agoraConfig, JSON.stringify({
      compilerOptions: { ...TSCONFIG.compilerOptions, skipLibCheck: true, paths: { [PACKAGE]: [agoraTypes] } },
      files: [path.join(app, 'main.ts')],
    }));
    const [parley, agora] = await Promise.all([tsc(path.join(app, 'tsconfig.json')), tsc(agoraConfig)]);
    expect(parley).toEqual({ code: 0, output: '' });
    const agoraErrors = agora.output.trim().split('\n');
    expect(agoraErrors).toHaveLength(1);
    expect(agoraErrors[0]).toMatch(/main\.ts\(\d+,\d+\): error TS2339: Property 'setServer' does not exist on type 'IAgoraRTC'/);
  });

  it('loads in Node by the package name, default and named exports, and the script build by its subpath', async () => {
    const script = `
      import AgoraRTC, { createClient, VERSION } from '${PACKAGE}';
      const client = AgoraRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      console.log(JSON.stringify({
        version: VERSION, same: AgoraRTC.createClient === createClient, state: client.connectionState,
        global: import.meta.resolve('${PACKAGE}/global'),
      }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    const loaded = JSON.parse(stdout);
    expect(loaded).toMatchObject({ version: VERSION, same: true, state: 'DISCONNECTED' });
    expect(loaded.global).toMatch(new RegExp(`/node_modules/${PACKAGE}/dist/parley-rtc\\.js$`));
  });

  it('bundles with esbuild from the package\'s ES module', async () => {
    const result = await build({
      absWorkingDir: app,
      entryPoints: ['main.ts'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.metafile.inputs)).toContain(`node_modules/${PACKAGE}/dist/parley-rtc.mjs`);
  });
});
