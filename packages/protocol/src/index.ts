/**
 * @parley/protocol: the shapes every part of Parley agrees on.
 */
export * from './errors.ts';
export * from './rest/common.ts';
export * from './rest/channels.ts';
export * from './rest/tokens.ts';
export * from './rest/sessions.ts';
export * from './rest/usage.ts';
export * from './rest/recordings.ts';
export * from './agora/cloudRecording.ts';
export * from './rest/webhooks.ts';
export * from './agora/channelManagement.ts';
export * from './agora/operations.ts';
export * from './rest/operations.ts';
export * from './rest/files.ts';
export * from './rtc/signaling.ts';
export * from './dataChannel.ts';
export * from './events.ts';
export * from './console/account.ts';
export * from './console/projects.ts';
export * from './console/cluster.ts';
export * from './console/operations.ts';
