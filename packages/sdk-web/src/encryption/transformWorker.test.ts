/**
 * The transform worker from its own source text, as the browser runs it, on Node's streams and
 * WebCrypto: a sealing transform's frames come out of an opening one unchanged, and frames that do
 * not open are dropped and reported once a second.
 */
import { describe, expect, it } from 'vitest';
import { deriveMediaKey } from './encryptionConfig.ts';
import { transformWorkerSource, type TransformOptions, type TransformScope } from './transformWorker.ts';

type Frame = { data: ArrayBuffer };

/** Runs the worker's source in a scope of its own and feeds one transform `frames`. */
async function transform(options: TransformOptions, frames: Frame[]): Promise<{ out: Frame[]; reports: string[] }> {
  const reports: string[] = [];
  const scope: TransformScope = { postMessage: (message) => reports.push(message), onmessage: null, onrtctransform: null };
  new Function('self', transformWorkerSource())(scope);
  const out: Frame[] = [];
  const readable = new ReadableStream<Frame>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const writable = new WritableStream<Frame>({ write: (frame) => void out.push(frame), close: () => done() });
  scope.onrtctransform!(Object.assign(new Event('rtctransform'), { transformer: { readable, writable, options } }));
  await finished;
  return { out, reports };
}

const frames = (count: number) => Array.from({ length: count }, (_, i) => ({ data: new Uint8Array(50).fill(i).buffer }));
const bytes = (list: Frame[]) => list.map((frame) => [...new Uint8Array(frame.data)]);

describe('transform worker', () => {
  it('seals on the sending side and opens on the receiving side, frame for frame', async () => {
    const key = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: 'Str0ng!secret', salt: new Uint8Array(32) });
    const sent = frames(5);
    const original = bytes(sent);
    const sealed = await transform({ operation: 'seal', kind: 'audio', key }, sent);
    expect(sealed.out).toHaveLength(5);
    expect(bytes(sealed.out)).not.toEqual(original);
    const opened = await transform({ operation: 'open', kind: 'audio', key }, sealed.out);
    expect(bytes(opened.out)).toEqual(original);
    expect(opened.reports).toEqual([]);
  });

  it('drops frames that do not open and reports it at most once a second', async () => {
    const key = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: 'Str0ng!secret', salt: new Uint8Array(32) });
    const other = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: 'An0ther!secret', salt: new Uint8Array(32) });
    const sealed = await transform({ operation: 'seal', kind: 'video', key: other }, frames(10));
    const opened = await transform({ operation: 'open', kind: 'video', key }, sealed.out);
    expect(opened.out).toEqual([]);
    expect(opened.reports).toEqual(['crypt-error']);
  });
});
