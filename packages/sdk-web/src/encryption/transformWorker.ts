/**
 * The worker that seals and opens frames (frameCipher.ts) in the browser's encoded-transform
 * pipeline, off the page's main thread. It takes its streams either way Chromium offers them: an
 * `rtctransform` event (RTCRtpScriptTransform, the standard) or a message carrying the readable
 * and writable of `createEncodedStreams()` (older Chromium).
 *
 * A frame that fails to open is dropped, never given to the decoder, and the page hears of it (at
 * most once a second) so the client can fire Agora's `crypt-error`.
 *
 * The worker is built from this module's source text (a Blob URL), so the one-file SDK needs no
 * second file to be served: `transformWorker` and `frameCipher` must stay self-contained.
 */
import { frameCipher, type FrameCipher } from './frameCipher.ts';

/** What each transform is told: seal (publishing) or open (subscribing) frames of `kind` with `key`. */
export interface TransformOptions {
  operation: 'seal' | 'open';
  kind: 'audio' | 'video';
  key: CryptoKey;
}

/** The part of a worker's global scope the transform uses. */
export interface TransformScope {
  postMessage(message: 'crypt-error'): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onrtctransform?: ((event: Event & { transformer: TransformStreams }) => void) | null;
}

interface TransformStreams {
  readable: ReadableStream<{ data: ArrayBuffer }>;
  writable: WritableStream<{ data: ArrayBuffer }>;
  options: TransformOptions;
}

/** The message the page posts on the createEncodedStreams path. */
export type TransformMessage = TransformStreams;

export function transformWorker(scope: TransformScope, cipher: FrameCipher): void {
  let reportedAt = 0;
  const run = ({ readable, writable, options }: TransformStreams): void => {
    const seal = options.operation === 'seal' ? cipher.sealer(options.key, options.kind) : undefined;
    void readable
      .pipeThrough(
        new TransformStream({
          async transform(frame, controller) {
            try {
              frame.data = seal ? await seal(frame.data) : await cipher.open(options.key, frame.data);
              controller.enqueue(frame);
            } catch {
              if (!seal && Date.now() - reportedAt > 1000) {
                reportedAt = Date.now();
                scope.postMessage('crypt-error');
              }
            }
          },
        }),
      )
      .pipeTo(writable)
      .catch(() => {});
  };
  scope.onrtctransform = (event) => run(event.transformer);
  scope.onmessage = (event) => run(event.data as TransformStreams);
}

/** The worker's whole source text. */
export function transformWorkerSource(): string {
  return `(${transformWorker.toString()})(self, (${frameCipher.toString()})())`;
}
