/**
 * Devices coming and going, as Agora reports them: `ParleyRTC.onCameraChanged`,
 * `onMicrophoneChanged` and `onPlaybackDeviceChanged` (and the matching `camera-changed`…
 * events on ParleyRTC) are called with the device and whether it arrived (`ACTIVE`) or left
 * (`INACTIVE`). The browser's `devicechange` event says only that something changed; the list
 * is compared with the one before to say what.
 */
export type DeviceState = 'ACTIVE' | 'INACTIVE';

export interface DeviceInfo {
  device: MediaDeviceInfo;
  state: DeviceState;
  /** When the device was first seen (ms since the epoch). */
  initAt: number;
  /** When its state last changed. */
  updateAt: number;
}

export type DeviceKind = 'videoinput' | 'audioinput' | 'audiooutput';

interface Known {
  device: MediaDeviceInfo;
  initAt: number;
}

export class DeviceWatcher {
  #known = new Map<string, Known>();
  #started: Promise<void> | undefined;
  readonly #onChange: (kind: DeviceKind, info: DeviceInfo) => void;

  constructor(onChange: (kind: DeviceKind, info: DeviceInfo) => void) {
    this.#onChange = onChange;
  }

  /** Starts watching (once); the first list is the baseline, not a change. */
  start(): Promise<void> {
    const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!devices) return Promise.resolve();
    this.#started ??= (async () => {
      this.#remember(await devices.enumerateDevices(), Date.now());
      devices.addEventListener('devicechange', () => void this.#compare());
    })();
    return this.#started;
  }

  #remember(list: MediaDeviceInfo[], at: number): void {
    for (const device of list) this.#known.set(key(device), { device, initAt: at });
  }

  async #compare(): Promise<void> {
    const now = Date.now();
    const list = await navigator.mediaDevices.enumerateDevices();
    const current = new Map(list.map((device) => [key(device), device]));
    for (const [id, known] of [...this.#known]) {
      if (current.has(id)) continue;
      this.#known.delete(id);
      this.#onChange(known.device.kind as DeviceKind, { device: known.device, state: 'INACTIVE', initAt: known.initAt, updateAt: now });
    }
    for (const [id, device] of current) {
      if (this.#known.has(id)) continue;
      this.#known.set(id, { device, initAt: now });
      this.#onChange(device.kind as DeviceKind, { device, state: 'ACTIVE', initAt: now, updateAt: now });
    }
  }
}

function key(device: MediaDeviceInfo): string {
  return `${device.kind}:${device.deviceId}:${device.groupId}`;
}
