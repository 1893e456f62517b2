/**
 * Builds the browser bundles of the SDK into packages/sdk-web/dist/:
 * - parley-rtc.js: a classic script (IIFE) that sets `window.ParleyRTC` to the SDK object;
 * - parley-rtc.mjs: an ES module, `import ParleyRTC, { createClient } from '/sdk/parley-rtc.mjs'`.
 * Both minified for ES2020 browsers, with source maps. Run: `npm run build` at the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = path.join(packageDir, 'dist');

export interface BuiltBundle {
  file: string;
  bytes: number;
}

export async function buildSdk(outDir = DEFAULT_OUT_DIR): Promise<BuiltBundle[]> {
  const common: BuildOptions = {
    entryPoints: [path.join(packageDir, 'src/index.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
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
      // exposes the SDK object itself, so the global is replaced by the default export.
      footer: { js: 'ParleyRTC=ParleyRTC.default;' },
    }),
    build({ ...common, format: 'esm', outfile: path.join(outDir, 'parley-rtc.mjs') }),
  ]);
  fs.mkdirSync(outDir, { recursive: true });
  const files = results.flatMap((result) => result.outputFiles ?? []);
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
  return files.filter((file) => !file.path.endsWith('.map')).map((file) => ({ file: file.path, bytes: file.contents.byteLength }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundles = await buildSdk();
  for (const bundle of bundles) console.log(`${path.relative(process.cwd(), bundle.file) || bundle.file}  ${(bundle.bytes / 1024).toFixed(1)} KiB`);
}
