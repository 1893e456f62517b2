/**
 * End-to-end media encryption for one session: the transform worker and the key, put on every
 * sender of the publish connection and every receiver of the subscribe connection, so frames are
 * sealed before they leave the browser and opened only by clients that hold the key.
 *
 * Browsers transform encoded frames in two ways, detected at call time: RTCRtpScriptTransform
 * (the standard: Chromium 141+, Firefox, Safari), else `createEncodedStreams()` on a peer
 * connection made with `encodedInsertableStreams: true` (older Chromium), whose streams are
 * handed to the same worker. A browser with neither cannot encrypt and setEncryptionConfig says so.
 */
import type { MediaKind } from '@parley/protocol';
import { notSupported } from '../errors.ts';
import { deriveMediaKey, type EncryptionSettings } from './encryptionConfig.ts';
import { transformWorkerSource, type TransformMessage, type TransformOptions } from './transformWorker.ts';

/** Chromium's pre-standard API, absent from the DOM typings. */
interface EncodedStreams {
  createEncodedStreams(): { readable: ReadableStream; writable: WritableStream };
}

/** At most one `crypt-error` in this long, however many frames fail. */
export const CRYPT_ERROR_INTERVAL_MS = 5_000;

type Api = 'script-transform' | 'encoded-streams';

function transformApi(): Api | undefined {
  if (typeof Worker === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) return undefined;
  if (typeof RTCRtpScriptTransform !== 'undefined') return 'script-transform';
  if (typeof RTCRtpSender !== 'undefined' && 'createEncodedStreams' in RTCRtpSender.prototype) return 'encoded-streams';
  return undefined;
}

/** Whether this browser can encrypt media end to end. */
export function canProtectFrames(): boolean {
  return transformApi() !== undefined;
}

export class FrameProtection {
  readonly #api: Api;
  readonly #key: CryptoKey;
  readonly #worker: Worker;
  readonly #url: string;
  #protected = new WeakSet<RTCRtpSender | RTCRtpReceiver>();

  /** Derives the key and starts the worker; `onCryptError` is called at most every CRYPT_ERROR_INTERVAL_MS. */
  static async start(settings: EncryptionSettings, onCryptError: () => void): Promise<FrameProtection> {
    const api = transformApi();
    if (!api) throw notSupported('This browser cannot encrypt media: it lacks encoded transforms');
    const key = await deriveMediaKey(settings);
    const url = URL.createObjectURL(new Blob([transformWorkerSource()], { type: 'text/javascript' }));
    let worker: Worker;
    try {
      worker = new Worker(url);
    } catch (cause) {
      URL.revokeObjectURL(url);
      // A Content-Security-Policy without `worker-src blob:` refuses the worker.
      throw Object.assign(notSupported('Media encryption needs a Worker from a blob: URL, which this page does not allow (Content-Security-Policy worker-src)'), { cause });
    }
    let reportedAt = -Infinity;
    worker.onmessage = () => {
      if (Date.now() - reportedAt < CRYPT_ERROR_INTERVAL_MS) return;
      reportedAt = Date.now();
      onCryptError();
    };
    return new FrameProtection(api, key, worker, url);
  }

  private constructor(api: Api, key: CryptoKey, worker: Worker, url: string) {
    this.#api = api;
    this.#key = key;
    this.#worker = worker;
    this.#url = url;
  }

  /** What peer connections need for this browser's way of transforming frames. */
  get peerConfiguration(): Partial<RTCConfiguration> {
    return this.#api === 'encoded-streams' ? ({ encodedInsertableStreams: true } as Partial<RTCConfiguration>) : {};
  }

  /** Seals every frame `sender` sends from now on; call before it sends any. */
  protectSender(sender: RTCRtpSender, kind: MediaKind): void {
    this.#attach(sender, { operation: 'seal', kind, key: this.#key });
  }

  /** Opens every frame `receiver` receives, dropping those that fail; call in ontrack. */
  protectReceiver(receiver: RTCRtpReceiver, kind: MediaKind): void {
    this.#attach(receiver, { operation: 'open', kind, key: this.#key });
  }

  close(): void {
    this.#worker.terminate();
    URL.revokeObjectURL(this.#url);
  }

  #attach(endpoint: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.#protected.has(endpoint)) return;
    this.#protected.add(endpoint);
    if (this.#api === 'script-transform') {
      endpoint.transform = new RTCRtpScriptTransform(this.#worker, options);
      return;
    }
    const { readable, writable } = (endpoint as unknown as EncodedStreams).createEncodedStreams();
    const message: TransformMessage = { readable, writable, options };
    this.#worker.postMessage(message, [readable, writable] as unknown as Transferable[]);
  }
}
