/**
 * A small real file system for tests of a full disk: a tmpfs mounted on a temporary folder
 * (needs root, as CI runs), filled to the last byte by a ballast file and freed by deleting it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a ballast file until the file system answers ENOSPC. */
  fill(): void;
  /** Deletes the ballast. */
  free(): void;
  /** Unmounts and removes the folder; safe to call when mounting failed halfway or twice. */
  remove(): void;
}

const CHUNK = Buffer.alloc(64 * 1024);

export function mountSmallDisk(sizeMiB: number): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-small-disk-'));
  const ballast = path.join(dir, 'ballast');
  let mounted = false;
  const disk: SmallDisk = {
    dir,
    fill() {
      const fd = fs.openSync(ballast, 'a');
      try {
        for (let chunk = CHUNK; chunk.length > 0; ) {
          try {
            fs.writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
            // The last pages: smaller writes take what is left, down to one byte.
            chunk = chunk.subarray(0, Math.floor(chunk.length / 2));
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    free() {
      fs.rmSync(ballast, { force: true });
    },
    remove() {
      if (mounted) execFileSync('umount', ['-l', dir]);
      mounted = false;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir]);
    mounted = true;
  } catch (error) {
    disk.remove();
    throw new Error(`mounting a ${sizeMiB} MiB tmpfs needs root: ${(error as Error).message}`, { cause: error });
  }
  return disk;
}
