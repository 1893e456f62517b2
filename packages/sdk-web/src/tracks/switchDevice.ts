/**
 * Opening another device for a track (`setDevice`), as Agora does it: the same kind of source
 * with the track's current constraints, on the chosen device only.
 */
import { invalidParams, ParleyRTCError } from '../errors.ts';

export type DeviceChoice = string | { deviceId: string };

export function chosenDeviceId(choice: DeviceChoice): string {
  const id = typeof choice === 'string' ? choice : choice?.deviceId;
  if (typeof id !== 'string' || id === '') throw invalidParams('setDevice needs a deviceId (from getCameras() or getMicrophones())', { field: 'deviceId' });
  return id;
}

/** Opens `deviceId` (or the same kind of source on any device) with `current`'s other constraints. */
export async function openDevice(kind: 'audio' | 'video', current: MediaStreamTrack, deviceId: string | undefined): Promise<MediaStreamTrack> {
  const { deviceId: _previous, groupId: _group, ...kept } = current.getConstraints?.() ?? {};
  const constraints: MediaTrackConstraints = deviceId ? { ...kept, deviceId: { exact: deviceId } } : kept;
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints });
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === 'OverconstrainedError' || name === 'NotFoundError') throw new ParleyRTCError('DEVICE_NOT_FOUND', `No ${kind === 'audio' ? 'microphone' : 'camera'} has the id ${deviceId}`);
    if (name === 'NotAllowedError') throw new ParleyRTCError('PERMISSION_DENIED', 'The browser refused access to the device');
    if (name === 'NotReadableError') throw new ParleyRTCError('NOT_READABLE', 'The device is in use by another application');
    throw error;
  }
  return kind === 'audio' ? stream.getAudioTracks()[0]! : stream.getVideoTracks()[0]!;
}
