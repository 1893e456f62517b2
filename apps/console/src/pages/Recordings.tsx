/**
 * A project's cloud recordings: status, mode, length and files; an MP4 plays in the page, every
 * file downloads, and a running recording can be stopped.
 */
import { Anchor, Badge, Button, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useParams } from 'react-router';
import type { Recording } from '@parley/protocol';
import { useChange, useOperation } from '../api/queries.ts';
import { useCan } from '../api/session.tsx';
import { fieldError } from '../components/ErrorText.tsx';
import { formatDuration, formatTime } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { QueryState } from '../components/QueryState.tsx';
import { usePages } from '../components/usePages.ts';

type RecordingFile = Recording['fileList'][number];
interface Playing {
  file: RecordingFile;
  sid: string;
}

/** Agora's status numbers 0-7 are stages of a running recording; 8 and 20 are its end. */
function isRunning(recording: Recording): boolean {
  return recording.status < 8;
}

function statusBadge(recording: Recording) {
  if (recording.status === 20) return <Badge color="red" variant="light">failed</Badge>;
  if (isRunning(recording)) return <Badge color="red" variant="dot">recording</Badge>;
  return <Badge color="teal" variant="light">{recording.uploadingStatus === 'backuped' ? 'uploading' : 'finished'}</Badge>;
}

function lengthOf(recording: Recording): number | null {
  const start = recording.sliceStartTime ?? Date.parse(recording.createdAt);
  const end = recording.stoppedAt ? Date.parse(recording.stoppedAt) : null;
  return end === null ? null : Math.max(0, (end - start) / 1000);
}

/** A file's name without its folder and the recording id every file of it starts with. */
function shortName(file: RecordingFile, sid: string): string {
  const name = file.fileName.split('/').at(-1) ?? file.fileName;
  return name.startsWith(`${sid}_`) ? name.slice(sid.length + 1) : name;
}

function fileLabel(file: RecordingFile, sid: string): string {
  const who = file.mixedAllUser ? 'everyone' : `user ${file.uid}`;
  return `${shortName(file, sid)} (${who}, ${file.trackType.replaceAll('_', ' ')})`;
}

function Files({ recording, onPlay }: { recording: Recording; onPlay: (playing: Playing) => void }) {
  const files = recording.fileList.filter((file) => file.isPlayable || file.fileName.endsWith('.mp4') || file.fileName.endsWith('.m3u8'));
  if (files.length === 0) return <Text size="sm" c="dimmed">{isRunning(recording) ? 'After it stops' : 'None'}</Text>;
  return (
    <Stack gap={2}>
      {files.map((file) => (
        <Group key={file.fileName} gap={6} wrap="nowrap">
          {file.fileName.endsWith('.mp4') && <Button size="compact-xs" variant="light" style={{ flexShrink: 0 }} onClick={() => onPlay({ file, sid: recording.sid })} aria-label={`Play ${fileLabel(file, recording.sid)}`}>Play</Button>}
          <Anchor href={file.downloadUrl} download size="sm" aria-label={`Download ${fileLabel(file, recording.sid)}`} title={file.fileName} style={{ wordBreak: 'break-all' }}>{shortName(file, recording.sid)}</Anchor>
        </Group>
      ))}
    </Stack>
  );
}

function Stop({ appId, recording }: { appId: string; recording: Recording }) {
  const stop = useChange('stopRecording', ['listProjectRecordings']);
  return (
    <Button
      size="xs"
      color="red"
      variant="light"
      loading={stop.isPending}
      aria-label={`Stop recording ${recording.sid.slice(0, 8)} of ${recording.channel}`}
      onClick={() => stop.mutate({ params: { projectId: appId, channel: recording.channel, sid: recording.sid }, body: {} }, {
        onSuccess: (stopped) => notifications.show({ message: `Recording stopped: ${stopped.serverResponse.fileList.length} files` }),
        onError: (error) => notifications.show({ color: 'red', message: error.sentence }),
      })}
    >
      Stop
    </Button>
  );
}

export function RecordingsPage() {
  const { appId = '' } = useParams();
  const canChange = useCan('admin');
  const [channel, setChannel] = useState('');
  const [filter] = useDebouncedValue(channel.trim(), 300);
  const pages = usePages(filter);
  const recordings = useOperation('listProjectRecordings', { params: { projectId: appId }, query: { channel: filter || undefined, limit: 25, cursor: pages.cursor } }, {
    // While one is running its status moves on its own; a slow refresh keeps the row honest.
    refetchInterval: (query) => (query.state.data?.recordings.some(isRunning) ? 5_000 : false),
  });
  const [playing, setPlaying] = useState<Playing>();
  return (
    <>
      <PageTitle title="Recordings" appId={appId} description="Cloud recordings of this project's channels, started with the REST API (v1 or Agora's routes)." />
      <TextInput label="Channel" placeholder="Every channel" value={channel} onChange={(event) => setChannel(event.currentTarget.value)} error={fieldError(recordings.error, 'channel')} mb="md" maw={320} />
      <QueryState query={recordings} label="recordings" isEmpty={(data) => data.recordings.length === 0} empty={<Text>No recordings {filter ? 'of this channel' : 'yet'}. Start one with <code>POST /v1/projects/{'{projectId}'}/channels/{'{channel}'}/recordings</code>.</Text>}>
        {(data) => (
          <DataTable minWidth={820} head={['Channel', 'Started', 'Status', 'Mode', 'Length', 'Files', canChange && 'Stop']} paging={{ pages, nextCursor: data.nextCursor }}>
            {data.recordings.map((recording) => (
              <Table.Tr key={recording.sid}>
                <Table.Td><Text ff="monospace" size="sm">{recording.channel}</Text></Table.Td>
                <Table.Td>{formatTime(recording.createdAt)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{statusBadge(recording)}{recording.error && <Text size="xs" c="red">{recording.error}</Text>}</Table.Td>
                <Table.Td>{recording.mode}</Table.Td>
                <Table.Td>{isRunning(recording) ? '—' : formatDuration(lengthOf(recording))}</Table.Td>
                <Table.Td><Files recording={recording} onPlay={setPlaying} /></Table.Td>
                {canChange && <Table.Td>{isRunning(recording) && <Stop appId={appId} recording={recording} />}</Table.Td>}
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      <Modal opened={playing !== undefined} onClose={() => setPlaying(undefined)} title={playing ? fileLabel(playing.file, playing.sid) : ''} size="xl" centered>
        {playing && <video src={playing.file.downloadUrl} controls autoPlay style={{ width: '100%', maxHeight: '70vh', background: 'black' }} aria-label={`Recording ${fileLabel(playing.file, playing.sid)}`} />}
      </Modal>
    </>
  );
}
