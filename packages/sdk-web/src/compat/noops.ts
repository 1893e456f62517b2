/**
 * Members of Agora's Web SDK that Parley keeps as documented no-ops: they exist with Agora's
 * name and signature so an Agora app runs unchanged, log once why they do nothing, and never
 * throw where Agora would not. The reason is what the SDK logs and what the coverage report
 * (`npm run sdk:coverage`) and the migration guide print.
 *
 * Keyed by Agora's interface name, then member name. A security call is never a no-op: what
 * Parley cannot do there throws NOT_SUPPORTED instead.
 */
import { log } from '../platform/log.ts';

/** Agora's extension pipeline on tracks: it runs Agora's extension binaries, which registerExtensions does not load. */
const EXTENSIONS = {
  pipe: 'Agora\'s extension processors need Agora\'s extension binaries (see registerExtensions): the track is sent unprocessed; returns the processor given.',
  unpipe: 'Agora\'s extension processors are not loaded, so nothing is piped.',
  processorDestination: 'Agora\'s extension processors are not loaded: the destination accepts pipe() and does nothing.',
  useExtension: 'Agora\'s extensions need Agora\'s extension binaries: the extension is created and not applied.',
  removeExtension: 'Agora\'s extensions are never applied, so there is none to remove; returns false.',
};

const AUDIO_EXTENSIONS = {
  ...EXTENSIONS,
  addReferenceTrack: 'Reference tracks feed Agora\'s echo cancellation of external media (processExternalMediaAEC); the browser\'s own AEC applies.',
  removeReferenceTrack: 'Reference tracks feed Agora\'s echo cancellation of external media; there is none to remove; returns false.',
};

const VIDEO_EXTENSIONS = EXTENSIONS;

const LOCAL_VIDEO_EXTRAS = {
  sendSeiData: 'SEI is carried in H.264 bitstreams by Agora\'s encoder pipeline; Parley sends the browser\'s encoding untouched. Use sendStreamMessage for data beside video.',
  setBeautyEffect: 'Agora\'s beauty effect is a WebGL filter inside Agora\'s SDK; process the camera with createCustomVideoTrack instead.',
};

export const DOCUMENTED_NOOPS = {
  IAgoraRTC: {
    enableLogUpload: 'Parley has no log collection service: logs stay in the browser console.',
    disableLogUpload: 'Parley has no log collection service: logs stay in the browser console.',
    setArea: 'Parley has no regional access network: the server given to setServer() is the area.',
    setAppType: 'Parley keeps no per-app-type statistics.',
    registerExtensions: 'Agora\'s extensions (AI denoiser, virtual background…) need Agora\'s cloud binaries; process tracks with createCustomVideoTrack/createCustomAudioTrack instead.',
    preload: 'Parley needs no gateway warm-up: join() connects directly to your server.',
    getElectronScreenSources: 'Electron\'s desktopCapturer is not used; in Electron, getDisplayMedia works as in the browser. Resolves to an empty list.',
    createChannelMediaRelayConfiguration: 'Relaying media into other channels needs Agora\'s relay servers; the configuration\'s setters record nothing.',
    startLastmileProbeTest: 'Agora probes its own edge servers; Parley has none to probe before join. Resolves with zeros (unknown); once joined, network-quality reports the real link.',
    use: 'Agora\'s optional services (AI audio modes and the like) run on Agora\'s binaries; returns the SDK object unchanged.',
    processExternalMediaAEC: 'Echo cancellation of external media elements needs Agora\'s audio pipeline; the browser\'s own AEC applies to the microphone.',
  },
  IAgoraRTCClient: {
    startProxyServer: 'Agora\'s cloud proxy is a service of Agora\'s network; put TURN in front of your Parley server instead (setTurnServer, or the server\'s TURN settings).',
    stopProxyServer: 'Agora\'s cloud proxy is a service of Agora\'s network; there is no proxy to stop.',
    setProxyServer: 'Agora\'s cloud proxy is a service of Agora\'s network; put TURN in front of your Parley server instead.',
    setLocalAccessPointsV2: 'Agora\'s private access points are replaced by your own server: point the SDK at it with setServer().',
    startChannelMediaRelay: 'Relaying media into other channels needs Agora\'s relay servers; Parley does not relay between channels.',
    updateChannelMediaRelay: 'Relaying media into other channels needs Agora\'s relay servers; Parley does not relay between channels.',
    stopChannelMediaRelay: 'Relaying media into other channels needs Agora\'s relay servers; there is no relay to stop.',
    startLiveStreaming: 'CDN push (RTMP) needs Agora\'s media push service; Parley does not push to CDNs.',
    stopLiveStreaming: 'CDN push (RTMP) needs Agora\'s media push service; there is no stream to stop.',
    setLiveTranscoding: 'CDN push (RTMP) needs Agora\'s media push service; Parley does not push to CDNs.',
    setLicense: 'Parley needs no license key.',
    setRTMConfig: 'Agora\'s RTM messaging is a separate Agora product; use stream messages or your own signaling.',
    sendCustomReportMessage: 'Parley has no analytics collection service: report to your own backend.',
    enableContentInspect: 'Content moderation is an Agora cloud service; Parley does not inspect media.',
    disableContentInspect: 'Content moderation is an Agora cloud service; there is nothing to disable.',
    setImageModeration: 'Image moderation is an Agora cloud service; Parley does not inspect media.',
    pickSVCLayer: 'Parley\'s SFU forwards simulcast layers, not SVC layers: choose one with setRemoteVideoStreamType.',
    localDataChannels: 'Agora\'s published data channels (publish({id, …})) are not offered, so the list is always empty; stream messages (sendStreamMessage) carry data through Parley\'s SFU, and publish() of a data channel configuration rejects with NOT_SUPPORTED.',
  },
  ILocalAudioTrack: { ...AUDIO_EXTENSIONS },
  IMicrophoneAudioTrack: { ...AUDIO_EXTENSIONS },
  IRemoteAudioTrack: { ...AUDIO_EXTENSIONS },
  ILocalVideoTrack: { ...VIDEO_EXTENSIONS, ...LOCAL_VIDEO_EXTRAS },
  ICameraVideoTrack: { ...VIDEO_EXTENSIONS, ...LOCAL_VIDEO_EXTRAS },
  IRemoteVideoTrack: { ...VIDEO_EXTENSIONS },
  /** Events of Agora's cloud services: listening is accepted, and they never fire in Parley. */
  'IAgoraRTCClient events': {
    'channel-media-relay-event': 'Parley does not relay media between channels.',
    'channel-media-relay-state': 'Parley does not relay media between channels.',
    'content-inspect-connection-state-change': 'Content moderation is an Agora cloud service.',
    'content-inspect-error': 'Content moderation is an Agora cloud service.',
    'image-moderation-connection-state-change': 'Image moderation is an Agora cloud service.',
    'is-using-cloud-proxy': 'Parley has no cloud proxy: clients connect to your server (through TURN when configured).',
    'join-fallback-to-proxy': 'Parley has no cloud proxy: clients connect to your server (through TURN when configured).',
    'live-streaming-error': 'Parley does not push to CDNs.',
    'live-streaming-warning': 'Parley does not push to CDNs.',
  },
} as const satisfies Record<string, Record<string, string>>;

export type NoopInterface = keyof typeof DOCUMENTED_NOOPS;

/**
 * Marks a call of a documented no-op: logs its reason once (at WARNING), so a developer sees
 * why nothing happened without a flood of lines.
 */
export function noop<I extends NoopInterface>(where: I, member: keyof (typeof DOCUMENTED_NOOPS)[I] & string, options: { property?: boolean } = {}): void {
  const reason = (DOCUMENTED_NOOPS[where] as Record<string, string>)[member];
  log.warnOnce(`${where}.${member}`, `${member}${options.property ? '' : '()'} does nothing in Parley: ${reason}`);
}
