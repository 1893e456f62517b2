/**
 * The client calls of Agora's SDK that depend on Agora's own cloud (cloud proxy, channel media
 * relay, CDN push, content moderation, license, RTM): present with Agora's names so Agora apps
 * run, each a documented no-op (see compat/noops.ts) that logs its reason once and resolves as
 * Agora's would. Added to ParleyClient's prototype so client.ts keeps to what Parley does.
 */
import { noop } from '../compat/noops.ts';
import { ParleyClient } from './client.ts';

export interface CloudOnlyCalls {
  startProxyServer(mode?: number): void;
  stopProxyServer(): void;
  setProxyServer(proxyServer: string): void;
  setLocalAccessPointsV2(config: unknown): void;
  startChannelMediaRelay(config: unknown): Promise<void>;
  updateChannelMediaRelay(config: unknown): Promise<void>;
  stopChannelMediaRelay(): Promise<void>;
  startLiveStreaming(url: string, transcodingEnabled?: boolean): Promise<void>;
  stopLiveStreaming(url: string): Promise<void>;
  setLiveTranscoding(config: unknown): Promise<void>;
  setLicense(license: string): void;
  setRTMConfig(config: unknown): Promise<void>;
  sendCustomReportMessage(reports: unknown): Promise<void>;
  enableContentInspect(config: unknown): Promise<void>;
  disableContentInspect(): Promise<void>;
  setImageModeration(enabled: boolean, config?: unknown): Promise<void>;
  /** Agora's published data channels: always empty (see compat/noops.ts). */
  readonly localDataChannels: readonly never[];
}

declare module './client.ts' {
  // Declaration merging: the calls below are on every ParleyClient.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ParleyClient extends CloudOnlyCalls {}
}

const sync = (member: keyof CloudOnlyCalls) => function (this: ParleyClient): void {
  noop('IAgoraRTCClient', member);
};
const async = (member: keyof CloudOnlyCalls) => async function (this: ParleyClient): Promise<void> {
  noop('IAgoraRTCClient', member);
};

const calls: Omit<CloudOnlyCalls, 'localDataChannels'> = {
  startProxyServer: sync('startProxyServer'),
  stopProxyServer: sync('stopProxyServer'),
  setProxyServer: sync('setProxyServer'),
  setLocalAccessPointsV2: sync('setLocalAccessPointsV2'),
  startChannelMediaRelay: async('startChannelMediaRelay'),
  updateChannelMediaRelay: async('updateChannelMediaRelay'),
  stopChannelMediaRelay: async('stopChannelMediaRelay'),
  startLiveStreaming: async('startLiveStreaming'),
  stopLiveStreaming: async('stopLiveStreaming'),
  setLiveTranscoding: async('setLiveTranscoding'),
  setLicense: sync('setLicense'),
  setRTMConfig: async('setRTMConfig'),
  sendCustomReportMessage: async('sendCustomReportMessage'),
  enableContentInspect: async('enableContentInspect'),
  disableContentInspect: async('disableContentInspect'),
  setImageModeration: async('setImageModeration'),
};

Object.assign(ParleyClient.prototype, calls);

const NO_DATA_CHANNELS: readonly never[] = Object.freeze([]);
Object.defineProperty(ParleyClient.prototype, 'localDataChannels', {
  get(): readonly never[] {
    noop('IAgoraRTCClient', 'localDataChannels', { property: true });
    return NO_DATA_CHANNELS;
  },
  configurable: true,
});
