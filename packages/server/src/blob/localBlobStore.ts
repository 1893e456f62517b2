/**
 * A BlobStore in a local folder: each key is a file under the root. Files are written to a
 * temporary name and renamed, so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BlobStoreError, checkKey, contentTypeOf, type BlobObject, type BlobStore } from './blobStore.ts';

export class LocalBlobStore implements BlobStore {
  readonly description: string;
  #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
    this.description = `local folder ${this.#root}`;
  }

  #path(key: string): string {
    checkKey(key);
    return path.join(this.#root, ...key.split('/'));
  }

  async check(): Promise<void> {
    const probe = path.join(this.#root, `.write-check-${randomBytes(6).toString('hex')}`);
    try {
      await fs.promises.mkdir(this.#root, { recursive: true });
      await fs.promises.writeFile(probe, '');
      await fs.promises.rm(probe, { force: true });
    } catch (error) {
      throw new BlobStoreError('other', `Cannot write to ${this.#root}: ${(error as Error).message}`, { cause: error });
    }
  }

  async putFile(key: string, filePath: string): Promise<void> {
    const target = this.#path(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.part`;
    try {
      await fs.promises.copyFile(filePath, temporary);
      await fs.promises.rename(temporary, target);
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw new BlobStoreError('other', `Cannot store ${key} in ${this.#root}: ${(error as Error).message}`, { cause: error });
    }
  }

  async get(key: string): Promise<BlobObject | undefined> {
    const file = this.#path(key);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    return { body: fs.createReadStream(file), size: stat.size, contentType: contentTypeOf(key) };
  }

  async exists(key: string): Promise<boolean> {
    return (await fs.promises.stat(this.#path(key)).catch(() => undefined))?.isFile() ?? false;
  }

  async list(prefix: string): Promise<string[]> {
    const entries = await fs.promises.readdir(this.#root, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.part'))
      .map((entry) => path.relative(this.#root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .filter((key) => key.startsWith(prefix) && !key.startsWith('.write-check-'))
      .sort();
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.#path(key), { force: true });
  }
}
