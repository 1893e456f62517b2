/**
 * Builds the SDK package's files into packages/sdk-web/dist/:
 * - parley-rtc.js: a classic script (IIFE) that sets `window.ParleyRTC` (and `window.AgoraRTC`) to the SDK object;
 * - parley-rtc.mjs: an ES module, `import ParleyRTC, { createClient } from '@parley/rtc-sdk'`;
 * - parley-rtc.d.ts: every public type in one file (scripts/declarations.ts).
 * Both bundles minified for ES2020 browsers, with source maps, and open with a banner naming the
 * package and version (the server serves them under /sdk/<that version>/). Run: `npm run build`
 * at the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { buildDeclarations } from './declarations.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = path.join(packageDir, 'dist');
const ENTRY = path.join(packageDir, 'src/index.ts');
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
/** `/*! @parley/rtc-sdk 0.1.0 | Apache-2.0 *\/`: kept by minifiers, read by the server (web/assets.ts). */
export const BANNER = `/*! ${manifest.name} ${manifest.version} | ${manifest.license} */`;

export interface BuiltBundle {
  file: string;
  bytes: number;
}

export interface BuildSdkOptions {
  /** Also write parley-rtc.d.ts (a few seconds more; browser tests need only the bundles). */
  declarations?: boolean;
}

export async function buildSdk(outDir = DEFAULT_OUT_DIR, options: BuildSdkOptions = {}): Promise<BuiltBundle[]> {
  const common: BuildOptions = {
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    banner: { js: BANNER },
    logLevel: 'warning',
    // Written below, each file atomically: a server or test reading dist/ meanwhile never sees half a bundle.
    write: false,
  };
  const results = await Promise.all([
    build({
      ...common,
      format: 'iife',
      globalName: 'ParleyRTC',
      outfile: path.join(outDir, 'parley-rtc.js'),
      // The IIFE's value is the module namespace ({default, createClient, …}); Agora's script
      // exposes the SDK object itself, so the global is replaced by the default export. It is
      // also `AgoraRTC` unless Agora's own script is on the page: an Agora app runs with only its
      // script tag swapped.
      footer: { js: 'ParleyRTC=ParleyRTC.default;if(typeof AgoraRTC==="undefined")globalThis.AgoraRTC=ParleyRTC;' },
    }),
    build({ ...common, format: 'esm', outfile: path.join(outDir, 'parley-rtc.mjs') }),
  ]);
  fs.mkdirSync(outDir, { recursive: true });
  const files: Array<{ path: string; contents: Uint8Array }> = results.flatMap((result) => result.outputFiles ?? []);
  if (options.declarations) {
    const file = path.join(outDir, 'parley-rtc.d.ts');
    files.push({ path: file, contents: Buffer.from(await buildDeclarations(ENTRY, file, path.resolve(packageDir, '../..'))) });
  }
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
  return files.filter((file) => !file.path.endsWith('.map')).map((file) => ({ file: file.path, bytes: file.contents.byteLength }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundles = await buildSdk(DEFAULT_OUT_DIR, { declarations: true });
  for (const bundle of bundles) console.log(`${path.relative(process.cwd(), bundle.file) || bundle.file}  ${(bundle.bytes / 1024).toFixed(1)} KiB`);
}
