/**
 * A local audio track that plays an audio file or AudioBuffer into the channel (Agora's
 * `createBufferSourceAudioTrack`): background music, a jingle, a test tone. The file is decoded
 * with Web Audio once; an AudioBufferSourceNode plays it into a MediaStreamDestination whose track
 * is what gets published (and played locally with play()). Playback needs the page's audio
 * context to run (a user gesture, or ParleyRTC.resumeAudioContext()).
 */
import { invalidParams, notSupported, ParleyRTCError } from '../errors.ts';
import { resumeAudioContext, sharedAudioContext } from '../platform/audioContext.ts';
import { LocalAudioTrack } from './localAudioTrack.ts';

export type AudioSourceState = 'stopped' | 'playing' | 'paused';

export interface BufferSourceAudioTrackInitConfig {
  source: File | string | AudioBuffer;
  /** Agora caches online files itself; here the browser's HTTP cache does. Accepted and ignored. */
  cacheOnlineFile?: boolean;
  encoderConfig?: unknown;
}

export interface AudioSourceOptions {
  /** How many times to play the file (default 1). */
  cycle?: number;
  /** Play forever (overrides cycle). */
  loop?: boolean;
  /** Where to start, in seconds. */
  startPlayTime?: number;
}

async function decode(context: AudioContext, source: BufferSourceAudioTrackInitConfig['source']): Promise<AudioBuffer> {
  if (source instanceof AudioBuffer) return source;
  let bytes: ArrayBuffer;
  if (typeof source === 'string') {
    try {
      const response = await fetch(source);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = await response.arrayBuffer();
    } catch (cause) {
      throw new ParleyRTCError('FETCH_AUDIO_FILE_FAILED', `Could not fetch the audio file ${source}: ${(cause as Error).message}`, { cause });
    }
  } else if (typeof File !== 'undefined' && source instanceof File) {
    try {
      bytes = await source.arrayBuffer();
    } catch (cause) {
      throw new ParleyRTCError('READ_LOCAL_AUDIO_FILE_ERROR', `Could not read ${source.name}`, { cause });
    }
  } else {
    throw invalidParams('source must be a URL, a File or an AudioBuffer', { field: 'source' });
  }
  try {
    return await context.decodeAudioData(bytes);
  } catch (cause) {
    throw new ParleyRTCError('DECODE_AUDIO_FILE_FAILED', 'The audio file could not be decoded (an unsupported or damaged format)', { cause });
  }
}

export class BufferSourceAudioTrack extends LocalAudioTrack {
  readonly source: File | string | AudioBuffer;
  readonly #context: AudioContext;
  readonly #buffer: AudioBuffer;
  readonly #destination: MediaStreamAudioDestinationNode;
  #node: AudioBufferSourceNode | undefined;
  #state: AudioSourceState = 'stopped';
  #speed = 1;
  /** Position in the file (seconds) when playback last started or paused, and the context time then. */
  #offset = 0;
  #startedAt = 0;
  #options: Required<AudioSourceOptions> = { cycle: 1, loop: false, startPlayTime: 0 };

  private constructor(config: BufferSourceAudioTrackInitConfig, context: AudioContext, buffer: AudioBuffer, destination: MediaStreamAudioDestinationNode) {
    super(destination.stream.getAudioTracks()[0]!, { isMicrophone: false });
    this.source = config.source;
    this.#context = context;
    this.#buffer = buffer;
    this.#destination = destination;
  }

  static async create(config: BufferSourceAudioTrackInitConfig): Promise<BufferSourceAudioTrack> {
    const context = sharedAudioContext();
    if (!context) throw notSupported('This browser has no Web Audio: audio files cannot be played into a call');
    const buffer = await decode(context, config?.source);
    return new BufferSourceAudioTrack(config, context, buffer, context.createMediaStreamDestination());
  }

  get currentState(): AudioSourceState {
    return this.#state;
  }

  /** Length of the file in seconds. */
  get duration(): number {
    return this.#buffer.duration;
  }

  get playbackSpeed(): number {
    return this.#speed;
  }

  /** Position in the file, in seconds. */
  getCurrentTime(): number {
    if (this.#state !== 'playing') return this.#offset;
    const played = this.#offset + (this.#context.currentTime - this.#startedAt) * this.#speed;
    return this.#options.loop || this.#options.cycle > 1 ? played % this.duration : Math.min(played, this.duration);
  }

  startProcessAudioBuffer(options: AudioSourceOptions = {}): void {
    const cycle = options.cycle ?? 1;
    if (!Number.isInteger(cycle) || cycle < 1) throw invalidParams('cycle must be a whole number of at least 1', { field: 'cycle' });
    const start = options.startPlayTime ?? 0;
    if (!(start >= 0 && start < this.duration)) throw invalidParams(`startPlayTime must be within the file (0 to ${this.duration.toFixed(2)} s)`, { field: 'startPlayTime' });
    this.#options = { cycle, loop: options.loop ?? false, startPlayTime: start };
    this.#play(start);
  }

  pauseProcessAudioBuffer(): void {
    if (this.#state !== 'playing') return;
    this.#offset = this.getCurrentTime();
    this.#halt();
    this.#setState('paused');
  }

  resumeProcessAudioBuffer(): void {
    if (this.#state === 'paused') this.#play(this.#offset);
  }

  seekAudioBuffer(time: number): void {
    if (!(time >= 0 && time <= this.duration)) throw invalidParams(`time must be within the file (0 to ${this.duration.toFixed(2)} s)`, { field: 'time' });
    if (this.#state === 'playing') this.#play(time);
    else this.#offset = time;
  }

  stopProcessAudioBuffer(): void {
    this.#halt();
    this.#offset = 0;
    this.#setState('stopped');
  }

  /** 0.5 to 2 times the original speed. */
  setAudioBufferPlaybackSpeed(speed: number): void {
    if (!(speed >= 0.5 && speed <= 2)) throw invalidParams('speed must be from 0.5 to 2', { field: 'speed' });
    if (this.#state === 'playing') {
      this.#offset = this.getCurrentTime();
      this.#startedAt = this.#context.currentTime;
    }
    this.#speed = speed;
    if (this.#node) this.#node.playbackRate.value = speed;
  }

  override close(): void {
    this.#halt();
    this.#setState('stopped');
    super.close();
  }

  #play(from: number): void {
    this.#halt();
    void resumeAudioContext();
    const node = this.#context.createBufferSource();
    node.buffer = this.#buffer;
    node.playbackRate.value = this.#speed;
    const { loop, cycle } = this.#options;
    node.loop = loop || cycle > 1;
    node.connect(this.#destination);
    // Cycles end after the remaining length of the first pass plus whole passes.
    const playFor = loop ? undefined : this.duration * cycle - from;
    if (playFor === undefined) node.start(0, from);
    else node.start(0, from, playFor);
    node.onended = () => {
      if (this.#node !== node) return;
      this.#node = undefined;
      this.#offset = 0;
      this.#setState('stopped');
    };
    this.#node = node;
    this.#offset = from;
    this.#startedAt = this.#context.currentTime;
    this.#setState('playing');
  }

  #halt(): void {
    const node = this.#node;
    this.#node = undefined;
    if (!node) return;
    node.onended = null;
    node.stop();
    node.disconnect();
  }

  #setState(state: AudioSourceState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('source-state-change', state);
  }
}
