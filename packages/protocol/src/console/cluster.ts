/**
 * The cluster's nodes as the operator sees them (`GET /v1/cluster/nodes`): each node's address,
 * state and load, from the heartbeats the nodes write.
 */
import Type, { type Static } from 'typebox';
import { IsoTime } from '../rest/common.ts';

export const ClusterNodeView = Type.Object({
  id: Type.String({ description: 'PARLEY_NODE_ID.', examples: ['node-a'] }),
  url: Type.String({ description: 'PARLEY_NODE_URL: where clients and the other nodes reach it.', examples: ['https://node-a.example.com'] }),
  state: Type.Union([Type.Literal('serving'), Type.Literal('draining')], { description: '`serving` takes new channels; `draining` is stopping: no new channels, its calls are moved soon.' }),
  self: Type.Boolean({ description: 'The node that answered this request.' }),
  participants: Type.Integer({ description: 'Participants connected to it.', examples: [12] }),
  rooms: Type.Integer({ description: 'Channels it hosts.', examples: [3] }),
  forwardedStreams: Type.Integer({ description: 'Audio and video tracks it forwards to subscribers.', examples: [40] }),
  cpu: Type.Number({ description: 'CPU its process used over the last second, in cores (1 = one full core).', examples: [0.35] }),
  cores: Type.Integer({ description: 'CPU cores of its machine.', examples: [4] }),
  startedAt: IsoTime,
  heartbeatAgeMs: Type.Integer({ description: 'Milliseconds since its last heartbeat; a node silent for 3 s is taken for gone.', examples: [420] }),
});
export type ClusterNodeView = Static<typeof ClusterNodeView>;

export const ClusterNodeList = Type.Object({ nodes: Type.Array(ClusterNodeView) });
export type ClusterNodeList = Static<typeof ClusterNodeList>;
