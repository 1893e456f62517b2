/**
 * Track calls of Agora's SDK that drive Agora's extension pipeline (virtual background, AI
 * denoiser…), Agora's echo cancellation of external media, SEI and the beauty filter: present with
 * Agora's names so Agora apps run, each a documented no-op (see compat/noops.ts) that logs its
 * reason once and returns what Agora's would when nothing is applied. Added to the track
 * prototypes so the track classes keep to what Parley does.
 */
import { LocalAudioTrack } from '../tracks/localAudioTrack.ts';
import { LocalVideoTrack } from '../tracks/localVideoTrack.ts';
import { RemoteAudioTrack, RemoteVideoTrack } from '../tracks/remoteTrack.ts';
import { noop, type NoopInterface } from './noops.ts';

/** Agora's processors chain with pipe(); the destination ends a chain. */
export interface ProcessorLike {
  pipe(processor: ProcessorLike): ProcessorLike;
  unpipe(): void;
}

export interface ExtensionCalls {
  pipe<P>(processor: P): P;
  unpipe(): void;
  readonly processorDestination: ProcessorLike;
  useExtension<T>(extensionCtor: new (options?: Record<string, unknown>) => T, extensionOptions?: Record<string, unknown>): T;
  removeExtension(extension: unknown): boolean;
}

export interface ReferenceTrackCalls {
  addReferenceTrack(track: unknown): void;
  removeReferenceTrack(track: unknown): boolean;
}

export interface LocalVideoExtras {
  sendSeiData(sei: Uint8Array): void;
  setBeautyEffect(enabled: boolean, options?: unknown): Promise<void>;
}

// Declaration merging: the calls below are on every track of the class.
/* eslint-disable @typescript-eslint/no-empty-object-type */
declare module '../tracks/localAudioTrack.ts' {
  interface LocalAudioTrack extends ExtensionCalls, ReferenceTrackCalls {}
}
declare module '../tracks/localVideoTrack.ts' {
  interface LocalVideoTrack extends ExtensionCalls, LocalVideoExtras {}
}
declare module '../tracks/remoteTrack.ts' {
  interface RemoteAudioTrack extends ExtensionCalls, ReferenceTrackCalls {}
  interface RemoteVideoTrack extends ExtensionCalls {}
}
/* eslint-enable @typescript-eslint/no-empty-object-type */

type TrackInterface = Extract<NoopInterface, `I${string}Track`>;

const destination: ProcessorLike = {
  pipe: (processor) => processor,
  unpipe: () => {},
};

function extensionCalls(where: TrackInterface): PropertyDescriptorMap {
  return {
    pipe: { value: <P>(processor: P): P => (noop(where, 'pipe'), processor) },
    unpipe: { value: () => noop(where, 'unpipe') },
    processorDestination: { get: () => (noop(where, 'processorDestination'), destination) },
    useExtension: {
      value: <T>(extensionCtor: new (options?: Record<string, unknown>) => T, options?: Record<string, unknown>): T => {
        noop(where, 'useExtension');
        return new extensionCtor(options);
      },
    },
    removeExtension: { value: () => (noop(where, 'removeExtension'), false) },
  };
}

function referenceTrackCalls(where: 'ILocalAudioTrack' | 'IRemoteAudioTrack'): PropertyDescriptorMap {
  return {
    addReferenceTrack: { value: () => noop(where, 'addReferenceTrack') },
    removeReferenceTrack: { value: () => (noop(where, 'removeReferenceTrack'), false) },
  };
}

Object.defineProperties(LocalAudioTrack.prototype, { ...extensionCalls('ILocalAudioTrack'), ...referenceTrackCalls('ILocalAudioTrack') });
Object.defineProperties(RemoteAudioTrack.prototype, { ...extensionCalls('IRemoteAudioTrack'), ...referenceTrackCalls('IRemoteAudioTrack') });
Object.defineProperties(RemoteVideoTrack.prototype, extensionCalls('IRemoteVideoTrack'));
Object.defineProperties(LocalVideoTrack.prototype, {
  ...extensionCalls('ILocalVideoTrack'),
  sendSeiData: { value: () => noop('ILocalVideoTrack', 'sendSeiData') },
  setBeautyEffect: { value: async () => noop('ILocalVideoTrack', 'setBeautyEffect') },
});
