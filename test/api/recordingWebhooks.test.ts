/**
 * Cloud recording events reach webhooks as Agora NCS notices of productId 3, signed, numbered per
 * task, only for endpoints that asked for `recording`. The events are announced the way recording
 * transitions announce them: through the server's webhook outbox, then on its bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@parley/protocol';
import { announce, WebhookOutbox } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

describe('recording webhooks', () => {
  let t: TestServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_BASE_MS: '50' });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await t.stop();
    await receiver.close();
  });

  it('sends status, upload and leave notices of a task in order with a 0-based sequence', async () => {
    const project = await t.createProject('pro');
    const auth = basic(project.customerId, project.customerSecret!);
    const created = await call(t.url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: receiver.url, events: ['recording'] } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    receiver.secret = created.body.data.secret;

    const ref = { appId: project.appId, channel: 'rec-room', sid: 'sid-1', resourceId: 'rid-1', uid: '527', mode: 'individual' as const };
    const { events, store, webhooks } = t.server.services;
    const recording = { db: store.db, events, outbox: new WebhookOutbox(webhooks), recordingsChanged: async () => {} };
    const emit = (event: DomainEvent) => announce(recording, [event]);
    const file = { fileName: 'sid-1_rec-room__uid_s_1__uid_e_video.m3u8', trackType: 'video' as const, uid: '1', mixedAllUser: false, isPlayable: true, sliceStartTime: 1 };
    await emit({ ...ref, type: 'recording.recorder_joined', at: Date.now() });
    await emit({ ...ref, type: 'recording.status', status: 5, fileList: [], at: Date.now() });
    // Channel events are not what this endpoint asked for.
    events.emit({ type: 'channel.created', appId: project.appId, channel: 'rec-room', at: Date.now() });
    await emit({ ...ref, type: 'recording.files_uploaded', uploadingStatus: 'uploaded', fileList: [file], at: Date.now() });
    await emit({ ...ref, type: 'recording.recorder_left', leaveCode: 16, at: Date.now() });
    await emit({ ...ref, type: 'recording.exited', exitStatus: 0, at: Date.now() });

    await receiver.waitFor((received) => received.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(5);
    expect(receiver.received.every((n) => n.signed)).toBe(true);
    const bodies = receiver.received.map((n) => n.body);
    expect(bodies.map((b) => [b.productId, b.eventType, b.payload.sequence, b.payload.details.msgName])).toEqual([
      [3, 40, 0, 'recorder_started'],
      [3, 3, 1, 'cloud_recording_status_update'],
      [3, 31, 2, 'uploaded'],
      [3, 41, 3, 'recorder_leave'],
      [3, 11, 4, 'session_exit'],
    ]);
    expect(bodies[1]!.payload).toMatchObject({ cname: 'rec-room', uid: '527', sid: 'sid-1', serviceType: 0, details: { status: 5, recordingMode: 0 } });
    expect(bodies[2]!.payload.details.fileList).toEqual([file]);
    expect(bodies[3]!.payload.details.leaveCode).toBe(16);
    expect(bodies.every((b) => b.sid === 'sid-1')).toBe(true);
  });
});
