/**
 * The server's nodes (operator account owners only): each node's URL, state and load, from the
 * heartbeats the nodes write every second, refreshed every few seconds. One node alone lists
 * itself; in a cluster, a node that stops heartbeating drops off within seconds.
 */
import { Badge, Group, Table, Text } from '@mantine/core';
import type { ClusterNodeView } from '@parley/protocol';
import { useOperation } from '../api/queries.ts';
import { formatTime } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { QueryState } from '../components/QueryState.tsx';

const REFRESH_MS = 3_000;
/** Badges show their whole word: a narrow column must not cut "serving" to "SERV…". */
const WHOLE_LABEL = { root: { overflow: 'visible' }, label: { overflow: 'visible' } };

function NodeRow({ node }: { node: ClusterNodeView }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text fw={500}>{node.id}</Text>
          {node.self && <Badge size="xs" variant="light" color="gray" styles={WHOLE_LABEL}>this node</Badge>}
        </Group>
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{node.url}</Text>
      </Table.Td>
      <Table.Td><Badge variant="light" color={node.state === 'serving' ? 'green' : 'orange'} styles={WHOLE_LABEL}>{node.state}</Badge></Table.Td>
      <Table.Td ta="right">{node.participants}</Table.Td>
      <Table.Td ta="right">{node.rooms}</Table.Td>
      <Table.Td ta="right">{node.forwardedStreams}</Table.Td>
      <Table.Td ta="right">{Math.round((node.cpu / node.cores) * 100)}% <Text span size="xs" c="dimmed">of {node.cores} cores</Text></Table.Td>
      <Table.Td ta="right">{(node.heartbeatAgeMs / 1000).toFixed(1)} s ago</Table.Td>
      <Table.Td>{formatTime(node.startedAt)}</Table.Td>
    </Table.Tr>
  );
}

export function ClusterPage() {
  const nodes = useOperation('listClusterNodes', {}, { refetchInterval: REFRESH_MS });
  return (
    <>
      <PageTitle
        title="Cluster"
        description="The nodes of this server and what each carries. A channel lives on one node; new channels go to the serving node with the fewest participants. A draining node takes no new channel and moves its calls before it stops."
      />
      <QueryState query={nodes} label="cluster nodes">
        {(data) => (
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" aria-label="Nodes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Node</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th ta="right">Participants</Table.Th>
                  <Table.Th ta="right">Channels</Table.Th>
                  <Table.Th ta="right">Forwarded streams</Table.Th>
                  <Table.Th ta="right">CPU</Table.Th>
                  <Table.Th ta="right">Heartbeat</Table.Th>
                  <Table.Th>Started</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>{data.nodes.map((node) => <NodeRow key={node.id} node={node} />)}</Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </>
  );
}
