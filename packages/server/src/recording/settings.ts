/**
 * A recording's settings, normalised from either API's start request: defaults filled in, and
 * the rules JSON Schema cannot express checked (mutually exclusive subscription lists, `["mp4"]`
 * alone, the canvas area). Stored with the recording, so a restarted node finalises it the same way.
 */
import type { LayoutRegion, TranscodingConfig } from '@parley/protocol';
import { DomainError } from '../domainError.ts';

/** Who is recorded for one kind: everyone, only `only`, or everyone but `except`. */
export interface UidFilter {
  only?: string[];
  except?: string[];
}

export interface MixSettings {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  mixedVideoLayout: 0 | 1 | 2 | 3;
  backgroundColor: string;
  maxResolutionUid?: string;
  layoutConfig?: LayoutRegion[];
}

export interface RecordingSettings {
  channelType: 0 | 1;
  streamTypes: 0 | 1 | 2;
  audio: UidFilter;
  video: UidFilter;
  avFileType: Array<'hls' | 'mp4'>;
  maxIdleTime: number;
  audioProfile: 0 | 1 | 2;
  mix: MixSettings;
}

/** The subscription and output fields both APIs share (Agora's names). */
export interface SettingsInput {
  channelType?: number | undefined;
  streamTypes?: number | undefined;
  subscribeAudioUids?: string[] | undefined;
  unsubscribeAudioUids?: string[] | undefined;
  subscribeVideoUids?: string[] | undefined;
  unsubscribeVideoUids?: string[] | undefined;
  avFileType?: Array<'hls' | 'mp4'> | undefined;
  maxIdleTime?: number | undefined;
  audioProfile?: number | undefined;
  transcodingConfig?: TranscodingConfig | undefined;
}

const ALL_STREAMS = '#allstream#';
const MAX_CANVAS_AREA = 1920 * 1080;

export function uidFilter(subscribe: string[] | undefined, unsubscribe: string[] | undefined, kind: 'Audio' | 'Video'): UidFilter {
  if (subscribe !== undefined && unsubscribe !== undefined) {
    throw new DomainError('invalid_parameter', `subscribe${kind}Uids and unsubscribe${kind}Uids cannot be set together`, `subscribe${kind}Uids`);
  }
  if (subscribe !== undefined && !subscribe.includes(ALL_STREAMS)) return { only: [...subscribe] };
  if (unsubscribe !== undefined) return { except: [...unsubscribe] };
  return {};
}

export function filterAllows(filter: UidFilter, uid: number | string): boolean {
  const key = String(uid);
  if (filter.only) return filter.only.includes(key);
  if (filter.except) return !filter.except.includes(key);
  return true;
}

function even(value: number): number {
  return Math.max(16, value - (value % 2));
}

export function mixSettings(config: TranscodingConfig | undefined): MixSettings {
  const width = even(config?.width ?? 360);
  const height = even(config?.height ?? 640);
  if (width * height > MAX_CANVAS_AREA) {
    throw new DomainError('invalid_parameter', 'transcodingConfig width × height must be at most 1920 × 1080', 'transcodingConfig.width');
  }
  const layout = (config?.mixedVideoLayout ?? 0) as MixSettings['mixedVideoLayout'];
  if (layout === 3 && !config?.layoutConfig?.length) {
    throw new DomainError('invalid_parameter', 'mixedVideoLayout 3 (custom) needs layoutConfig', 'transcodingConfig.layoutConfig');
  }
  return {
    width,
    height,
    fps: config?.fps ?? 15,
    bitrateKbps: config?.bitrate ?? 500,
    mixedVideoLayout: layout,
    backgroundColor: config?.backgroundColor ?? '#000000',
    ...(config?.maxResolutionUid !== undefined ? { maxResolutionUid: config.maxResolutionUid } : {}),
    ...(config?.layoutConfig !== undefined ? { layoutConfig: config.layoutConfig } : {}),
  };
}

export function normalizeSettings(input: SettingsInput): RecordingSettings {
  const avFileType = input.avFileType ?? ['hls'];
  if (!avFileType.includes('hls')) {
    throw new DomainError('invalid_parameter', 'avFileType must be ["hls"] or ["hls","mp4"]: MP4 alone is not offered', 'avFileType');
  }
  return {
    channelType: (input.channelType ?? 0) as 0 | 1,
    streamTypes: (input.streamTypes ?? 2) as 0 | 1 | 2,
    audio: uidFilter(input.subscribeAudioUids, input.unsubscribeAudioUids, 'Audio'),
    video: uidFilter(input.subscribeVideoUids, input.unsubscribeVideoUids, 'Video'),
    avFileType: avFileType.includes('mp4') ? ['hls', 'mp4'] : ['hls'],
    maxIdleTime: input.maxIdleTime ?? 30,
    audioProfile: (input.audioProfile ?? 0) as 0 | 1 | 2,
    mix: mixSettings(input.transcodingConfig),
  };
}

/** Whether the settings record `kind` from `uid` at all. */
export function records(settings: RecordingSettings, kind: 'audio' | 'video', uid: number | string): boolean {
  if (kind === 'audio' && settings.streamTypes === 1) return false;
  if (kind === 'video' && settings.streamTypes === 0) return false;
  return filterAllows(kind === 'audio' ? settings.audio : settings.video, uid);
}
