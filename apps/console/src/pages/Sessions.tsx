/**
 * Who was in which call: every session (a join to its leave), searchable by channel and uid,
 * with how long it lasted and why it ended, in words.
 */
import { Badge, Group, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useParams } from 'react-router';
import { LEAVE_REASON_WORDS, type Session } from '@parley/protocol';
import type { LeaveReason } from '@parley/protocol/constants';
import { useOperation } from '../api/queries.ts';
import { fieldError } from '../components/ErrorText.tsx';
import { formatDuration, formatTime } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { QueryState } from '../components/QueryState.tsx';
import { usePages } from '../components/usePages.ts';

function leaveWords(session: Session): string {
  if (session.leaveReason === null) return 'in the call';
  return LEAVE_REASON_WORDS[session.leaveReason as LeaveReason] ?? session.leaveReasonName ?? `code ${session.leaveReason}`;
}

export function SessionsPage() {
  const { appId = '' } = useParams();
  const [channel, setChannel] = useState('');
  const [uid, setUid] = useState('');
  const [filters] = useDebouncedValue({ channel: channel.trim(), uid: uid.trim() }, 300);
  const pages = usePages(JSON.stringify(filters));
  const sessions = useOperation('listSessions', { params: { projectId: appId }, query: { ...filters, limit: 50, cursor: pages.cursor } });
  return (
    <>
      <PageTitle title="Sessions" appId={appId} description="Each join of a channel to its leave: the basis of usage." />
      <Group mb="md" align="flex-start">
        <TextInput label="Channel" placeholder="Any channel" value={channel} onChange={(event) => setChannel(event.currentTarget.value)} error={fieldError(sessions.error, 'channel')} />
        <TextInput label="User ID" placeholder="Any user" value={uid} onChange={(event) => setUid(event.currentTarget.value)} error={fieldError(sessions.error, 'uid')} />
      </Group>
      <QueryState query={sessions} label="sessions" isEmpty={(data) => data.sessions.length === 0} empty={<Text>{filters.channel || filters.uid ? 'No session matches.' : 'No sessions yet: they appear as people join calls.'}</Text>}>
        {(data) => (
          <DataTable minWidth={760} striped head={['Channel', 'User', 'Role', 'Platform', 'Joined', 'Duration', 'Ended']} paging={{ pages, nextCursor: data.nextCursor }}>
            {data.sessions.map((session) => (
              <Table.Tr key={session.sessionId}>
                <Table.Td><Text ff="monospace" size="sm">{session.channel}</Text></Table.Td>
                <Table.Td><Text ff="monospace" size="sm">{String(session.uid)}</Text></Table.Td>
                <Table.Td>{session.role}</Table.Td>
                <Table.Td>{session.platform}</Table.Td>
                <Table.Td>{formatTime(session.joinedAt)}</Table.Td>
                <Table.Td>{formatDuration(session.durationSeconds)}</Table.Td>
                <Table.Td>{session.leftAt === null ? <Badge color="teal" variant="light">in the call</Badge> : leaveWords(session)}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryState>
    </>
  );
}
