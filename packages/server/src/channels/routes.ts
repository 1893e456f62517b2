/**
 * HTTP surface of channels: each handler takes the validated input, calls the service, returns data.
 */
import type { OperationHandlers } from '../http/operations.ts';
import type { ChannelService } from './service.ts';

type ChannelHandlers = Pick<OperationHandlers, 'createChannel' | 'getChannel' | 'listChannels' | 'deleteChannel' | 'kickUser'>;

export function channelHandlers(channels: ChannelService): ChannelHandlers {
  return {
    createChannel: ({ access, body }) => channels.createChannel(access.project.appId, body),
    getChannel: ({ access, params }) => channels.getChannel(access.project.appId, params.channel),
    listChannels: ({ access, query }) => channels.listChannels(access.project.appId, query),
    deleteChannel: ({ access, params }) => channels.deleteChannel(access.project.appId, params.channel),
    kickUser: ({ access, params, body }) => channels.kickUser(access.project.appId, params.channel, params.uid, body),
  };
}
