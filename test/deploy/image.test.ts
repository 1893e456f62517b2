/**
 * deploy/docker/Dockerfile as text (no container runtime here): a runtime stage that runs as an
 * unprivileged user with ffmpeg and tini, ships what `parley serve` reads, and exposes the ports
 * the server's defaults use. The entry script is linted with shellcheck when it is installed (CI
 * installs it).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../../packages/server/src/config/variables.ts';
import { SDK_DIST_DIR } from '../../packages/server/src/web/assets.ts';
import { CONSOLE_BUILD_DIR } from '../../packages/server/src/web/console.ts';
import { DOCS_BUILD_DIR } from '../../packages/server/src/web/docs.ts';
import { DEPLOY_DIR, deployFile, installed, ROOT } from './deployFiles.ts';

const exec = promisify(execFile);
const dockerfile = deployFile('docker/Dockerfile');
/** The image people run: everything after the last FROM. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const instructions = (stage: string, name: string) => [...stage.matchAll(new RegExp(`^${name} (.+)$`, 'gm'))].map((match) => match[1]!);
const defaultOf = (name: string) => VARIABLES.find((variable) => variable.name === name)!.default;

describe('the Dockerfile', () => {
  it('builds in one stage and runs from another, on Node 24', () => {
    const stages = instructions(dockerfile, 'FROM');
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(runtimeStage).toMatch(/^FROM \$\{NODE_IMAGE\}$/m);
  });

  it('runs as an unprivileged user', () => {
    const users = instructions(runtimeStage, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // The user is made in the image, with a fixed id a host volume can be given to.
    const user = users.at(-1)!.split(':')[0]!;
    expect(runtimeStage).toMatch(new RegExp(`useradd [^\\n]*--uid \\d+ [^\\n]*${user}`));
  });

  it('installs ffmpeg and tini, and tini runs the entry script as PID 1', () => {
    expect(runtimeStage).toMatch(/apt-get install [^\n]*\bffmpeg\b/);
    expect(runtimeStage).toMatch(/apt-get install [^\n]*\btini\b/);
    expect(instructions(runtimeStage, 'ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--", "/usr/local/lib/parley/entrypoint.sh"]']);
  });

  it('copies the builds `parley serve` serves, where the server looks for them', () => {
    for (const dir of [SDK_DIST_DIR, CONSOLE_BUILD_DIR, DOCS_BUILD_DIR]) expect(dockerfile).toContain(path.relative(ROOT, dir));
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain('npm ci --omit=dev');
    // The repository's patches of production dependencies (werift) must apply in the image too.
    expect(dockerfile).toContain('patch-package');
  });

  it('exposes the default HTTP and media ports, keeps data in a volume, and checks health', () => {
    expect(instructions(runtimeStage, 'EXPOSE')).toEqual([`${defaultOf('PARLEY_PORT')}/tcp ${defaultOf('PARLEY_RTC_UDP_PORT')}/udp`]);
    expect(runtimeStage).toMatch(/PARLEY_DATA_DIR=\/var\/lib\/parley/);
    expect(instructions(runtimeStage, 'VOLUME')).toEqual(['["/var/lib/parley"]']);
    expect(instructions(runtimeStage, 'HEALTHCHECK')[0]).toContain('/usr/local/lib/parley/healthcheck.mjs');
  });

  it('copies files of deploy/docker that exist', () => {
    const copied = instructions(runtimeStage, 'COPY')
      .filter((line) => !line.startsWith('--from'))
      .flatMap((line) => line.split(' ').slice(0, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const file of copied) expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
  });

  it('leaves dependencies and builds out of the build context', () => {
    const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git', '.parley', 'deploy/compose/.env']));
  });
});

describe('the entry script', () => {
  it.skipIf(!installed('shellcheck'))('passes shellcheck as POSIX sh', async () => {
    await expect(exec('shellcheck', ['--shell=sh', path.join(DEPLOY_DIR, 'docker/entrypoint.sh')])).resolves.toBeDefined();
  });

  it('is executable', () => {
    expect(fs.statSync(path.join(DEPLOY_DIR, 'docker/entrypoint.sh')).mode & 0o111).not.toBe(0);
  });
});
