/**
 * Cloud recording events as Agora NCS notices (productId 3): the event types and `details` of
 * agora-compat.md §5.2, a 0-based `sequence` per recording task so receivers can spot gaps and
 * duplicates, and one order key per task so its notices arrive in order.
 */
import { NcsProduct, type DomainEvent, type DomainEventOf } from '@parley/protocol';
import type { EventBus } from '../events/bus.ts';
import type { Notice } from './notices.ts';
import type { WebhookService } from './service.ts';

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

/** Numbers each task's notices 0, 1, 2… (in this process; a restarted task starts again at 0). */
export class RecordingSequence {
  #next = new Map<string, number>();

  next(sid: string): number {
    const value = this.#next.get(sid) ?? 0;
    this.#next.set(sid, value + 1);
    return value;
  }

  /** Forgets a finished task. */
  end(sid: string): void {
    this.#next.delete(sid);
  }
}

export function recordingNotice(event: RecordingEvent, sequence: RecordingSequence): Notice {
  const { eventType, serviceType, details } = ncsShape(event);
  const notice: Notice = {
    appId: event.appId,
    event: 'recording',
    productId: NcsProduct.cloudRecording,
    eventType,
    sid: event.sid,
    channel: event.channel,
    orderKey: `recording:${event.sid}`,
    at: event.at,
    payload: { cname: event.channel, uid: event.uid, sid: event.sid, sequence: sequence.next(event.sid), sendts: event.at, serviceType, details },
  };
  if (event.type === 'recording.exited') sequence.end(event.sid);
  return notice;
}

/** Queues a notice for every recording event; the bus logs a failed enqueue. */
export function subscribeRecordingNotices(events: EventBus, webhooks: Pick<WebhookService, 'enqueue'>): () => void {
  const sequence = new RecordingSequence();
  const stops = RECORDING_EVENT_TYPES.map((type) =>
    events.on(type, async (event) => {
      await webhooks.enqueue(recordingNotice(event as RecordingEvent, sequence));
    }),
  );
  return () => stops.forEach((stop) => stop());
}
