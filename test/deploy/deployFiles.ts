/**
 * Reading the files of deploy/ for the tests that check them against each other and the server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DEPLOY_DIR = path.join(ROOT, 'deploy');

export function deployFile(relative: string): string {
  return fs.readFileSync(path.join(DEPLOY_DIR, relative), 'utf8');
}

/** Every file of deploy/, as paths relative to it. */
export function deployFiles(): string[] {
  return fs.readdirSync(DEPLOY_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => fs.statSync(path.join(DEPLOY_DIR, file)).isFile());
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  entrypoint?: string[];
  command?: string[];
  user?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** compose.yaml with its `<<:` merges applied, as Compose reads it. */
export function composeFile(): ComposeFile {
  return YAML.parse(deployFile('compose/compose.yaml'), { merge: true }) as ComposeFile;
}

/** Whether a tool the tests use when it is there (systemd-analyze, shellcheck) runs on this machine. */
export function installed(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
