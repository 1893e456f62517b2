/**
 * Cloud recording events as Agora NCS notices (productId 3): the event types and `details` of
 * agora-compat.md §5.2, a 0-based `sequence` per recording task so receivers can spot gaps and
 * duplicates, and one order key per task so its notices arrive in order. The outbox (outbox.ts)
 * queues them in the transaction of the change they report, numbered from the store so the count
 * goes on across restarts.
 */
import { NcsProduct, type DomainEvent, type DomainEventOf } from '@parley/protocol';
import type { Notice } from './notices.ts';

export const RECORDING_EVENT_TYPES = [
  'recording.status',
  'recording.recorder_joined',
  'recording.recorder_left',
  'recording.files_uploaded',
  'recording.error',
  'recording.exited',
] as const;
type RecordingEvent = DomainEventOf<(typeof RECORDING_EVENT_TYPES)[number]>;

/** NCS `serviceType`: 0 the service, 1 the recorder, 2 the uploader. */
const SERVICE = { service: 0, recorder: 1, uploader: 2 } as const;

function ncsShape(event: RecordingEvent): { eventType: number; serviceType: number; details: Record<string, unknown> } {
  switch (event.type) {
    case 'recording.status':
      return {
        eventType: 3,
        serviceType: SERVICE.service,
        details: { msgName: 'cloud_recording_status_update', status: event.status, recordingMode: event.mode === 'mix' ? 1 : 0, fileList: event.fileList },
      };
    case 'recording.recorder_joined':
      return { eventType: 40, serviceType: SERVICE.recorder, details: { msgName: 'recorder_started', status: 0 } };
    case 'recording.recorder_left':
      return { eventType: 41, serviceType: SERVICE.recorder, details: { msgName: 'recorder_leave', leaveCode: event.leaveCode } };
    case 'recording.files_uploaded':
      return event.uploadingStatus === 'uploaded'
        ? { eventType: 31, serviceType: SERVICE.uploader, details: { msgName: 'uploaded', status: 0, fileList: event.fileList } }
        : { eventType: 32, serviceType: SERVICE.uploader, details: { msgName: 'backuped', status: 0, fileList: event.fileList } };
    case 'recording.error':
      return {
        eventType: 1,
        serviceType: SERVICE.service,
        details: { msgName: 'cloud_recording_error', module: event.module, errorLevel: event.errorLevel, errorCode: event.errorCode, stat: 0, errorMsg: event.errorMsg },
      };
    case 'recording.exited':
      return { eventType: 11, serviceType: SERVICE.service, details: { msgName: 'session_exit', exitStatus: event.exitStatus } };
  }
}

export function isRecordingEvent(event: DomainEvent): event is RecordingEvent {
  return (RECORDING_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The notice of a recording event; `sequence` is its 0-based number among its task's notices (store.ts). */
export function recordingNotice(event: RecordingEvent, sequence: number): Notice {
  const { eventType, serviceType, details } = ncsShape(event);
  return {
    appId: event.appId,
    event: 'recording',
    productId: NcsProduct.cloudRecording,
    eventType,
    sid: event.sid,
    channel: event.channel,
    orderKey: `recording:${event.sid}`,
    at: event.at,
    payload: { cname: event.channel, uid: event.uid, sid: event.sid, sequence, sendts: event.at, serviceType, details },
  };
}
