/**
 * Who is in a call right now, updated as it happens: channels with people in them, and each
 * channel's participants with what they publish. Owners and admins can kick someone, with a ban
 * from the channel for a while.
 */
import { Accordion, Alert, Badge, Button, Center, Group, Loader, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import type { Channel, Participant } from '@parley/protocol';
import { useLiveChannels } from '../api/liveChannels.ts';
import { useChange } from '../api/queries.ts';
import { useCan } from '../api/session.tsx';
import { formatTime, since } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';

const BANS = [
  { value: '0', label: 'Kick only' },
  { value: '300', label: 'Ban for 5 minutes' },
  { value: '3600', label: 'Ban for 1 hour' },
  { value: '86400', label: 'Ban for 24 hours' },
];

/** Re-renders every few seconds so "since" times move without new data. */
function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function Kick({ appId, channel, participant }: { appId: string; channel: string; participant: Participant }) {
  const kick = useChange('kickUser');
  const [ban, setBan] = useState('0');
  const uid = String(participant.uid);
  return (
    <Group gap={4} wrap="nowrap">
      <Select aria-label={`Ban ${uid} for`} data={BANS} value={ban} onChange={(value) => setBan(value ?? '0')} size="xs" w={160} allowDeselect={false} />
      <Button
        size="xs"
        color="red"
        variant="light"
        loading={kick.isPending}
        aria-label={`Kick ${uid}`}
        onClick={() => kick.mutate({ params: { projectId: appId, channel, uid }, body: { banSeconds: Number(ban) } }, {
          onSuccess: (result) => notifications.show({ message: `${uid} ${result.kicked ? 'was disconnected' : 'had already left'}${result.bannedUntil ? `; banned until ${formatTime(result.bannedUntil)}` : ''}` }),
          onError: (error) => notifications.show({ color: 'red', message: error.sentence }),
        })}
      >
        Kick
      </Button>
    </Group>
  );
}

function Participants({ appId, channel }: { appId: string; channel: Channel }) {
  const canKick = useCan('admin');
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs">
        <Table.Thead><Table.Tr><Table.Th>User</Table.Th><Table.Th>Role</Table.Th><Table.Th>Platform</Table.Th><Table.Th>Joined</Table.Th><Table.Th>Publishing</Table.Th>{canKick && <Table.Th>Kick</Table.Th>}</Table.Tr></Table.Thead>
        <Table.Tbody>
          {channel.participants.map((participant) => (
            <Table.Tr key={participant.sessionId}>
              <Table.Td><Text ff="monospace" size="sm">{String(participant.uid)}</Text></Table.Td>
              <Table.Td>{participant.role}</Table.Td>
              <Table.Td>{participant.platform}</Table.Td>
              <Table.Td>{formatTime(participant.joinedAt)}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {participant.publishingAudio && <Badge size="sm" variant="light" color="teal">audio</Badge>}
                  {participant.publishingVideo && <Badge size="sm" variant="light" color="indigo">video</Badge>}
                  {!participant.publishingAudio && !participant.publishingVideo && <Text size="sm" c="dimmed">nothing</Text>}
                </Group>
              </Table.Td>
              {canKick && <Table.Td>{participant.role !== 'recorder' && <Kick appId={appId} channel={channel.channel} participant={participant} />}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function LiveChannelsPage() {
  const { appId = '' } = useParams();
  const live = useLiveChannels(appId);
  const now = useNow();
  return (
    <>
      <PageTitle title="Live channels" appId={appId} description="Channels with people in them, updated as they join, leave and publish." >
        <Badge variant="dot" color={live.state === 'open' ? 'teal' : live.state === 'failed' ? 'red' : 'yellow'} role="status">
          {live.state === 'open' ? 'Live' : live.state === 'failed' ? 'Disconnected' : live.state === 'reconnecting' ? 'Reconnecting' : 'Connecting'}
        </Badge>
      </PageTitle>
      {live.state === 'connecting' && <Center py="xl" role="status" aria-label="Loading live channels"><Loader size="sm" /></Center>}
      {live.state === 'failed' && <Alert color="red" role="alert" title="Could not follow this project's channels">The server refused the live stream: sign in again or check that the project exists.</Alert>}
      {live.channels && live.channels.length === 0 && <Stack py="lg" align="center" c="dimmed"><Text>Nobody is in a call right now. Open “Try a call” in two tabs to see one appear here.</Text></Stack>}
      {live.channels && live.channels.length > 0 && (
        <Accordion variant="separated" multiple defaultValue={live.channels.map((channel) => channel.channel)}>
          {live.channels.map((channel) => (
            <Accordion.Item key={channel.channel} value={channel.channel}>
              <Accordion.Control>
                <Group justify="space-between" wrap="wrap" pr="sm">
                  <Text fw={600} ff="monospace">{channel.channel}</Text>
                  <Group gap="xs">
                    <Badge variant="light">{channel.participantCount} {channel.participantCount === 1 ? 'person' : 'people'}</Badge>
                    {channel.recording.state === 'recording' && <Badge color="red" variant="light">recording</Badge>}
                    <Text size="xs" c="dimmed">started {since(channel.createdAt, now)}</Text>
                  </Group>
                </Group>
              </Accordion.Control>
              <Accordion.Panel><Participants appId={appId} channel={channel} /></Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </>
  );
}
