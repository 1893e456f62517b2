/**
 * A project's credentials: the App ID, the App Certificate (hidden until an owner or admin asks
 * to see it; each reveal is logged on the server), a secondary certificate for rotation without
 * downtime, testing mode (joins without a token), and a temporary token generator like Agora's
 * console has.
 */
import { Badge, Button, Card, Group, NumberInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import type { CertificateSlot } from '@parley/protocol';
import { useChange, useOperation } from '../api/queries.ts';
import { useCan } from '../api/session.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { ErrorText, fieldError } from '../components/ErrorText.tsx';
import { formatTime } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { QueryState } from '../components/QueryState.tsx';
import { parseUid } from '../components/uid.ts';
import { TestingModeCard } from './ProjectTestingMode.tsx';

function Certificate({ appId, slot, createdAt }: { appId: string; slot: CertificateSlot; createdAt: string }) {
  const canSee = useCan('admin');
  const reveal = useChange('revealCertificate');
  const [shown, setShown] = useState<string>();
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Text fw={500}>{slot === 'primary' ? 'Primary certificate' : 'Secondary certificate'}</Text>
        <Badge variant="light" color={slot === 'primary' ? 'indigo' : 'grape'}>{slot}</Badge>
        <Text size="xs" c="dimmed">since {formatTime(createdAt)}</Text>
      </Group>
      <Group gap="xs">
        <CopyField label={`${slot} App Certificate`} value={shown ?? ''} hidden={shown === undefined} />
        {canSee && (shown === undefined
          ? <Button size="xs" variant="light" loading={reveal.isPending} onClick={() => reveal.mutate({ params: { projectId: appId, slot } }, { onSuccess: (revealed) => setShown(revealed.appCertificate) })} aria-label={slot === 'primary' ? 'Show' : 'Show secondary'}>Show</Button>
          : <Button size="xs" variant="subtle" onClick={() => setShown(undefined)}>Hide</Button>)}
      </Group>
      {!canSee && <Text size="xs" c="dimmed">Viewers do not see certificates; ask an admin of the account.</Text>}
      <ErrorText error={reveal.error} />
    </Stack>
  );
}

function Certificates({ appId }: { appId: string }) {
  const params = { projectId: appId };
  const certificates = useOperation('getCertificates', { params });
  const canChange = useCan('admin');
  const enable = useChange('enableSecondaryCertificate', ['getCertificates']);
  const promote = useChange('promoteSecondaryCertificate', ['getCertificates']);
  const remove = useChange('deleteSecondaryCertificate', ['getCertificates']);
  const [confirming, setConfirming] = useState(false);
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">App Certificate</Title>
      <Text size="sm" c="dimmed" mb="md">Your backend signs tokens with it; keep it on the server. To rotate without downtime: enable a secondary, move your servers to it, make it primary, then delete the old one.</Text>
      <QueryState query={certificates} label="certificates">
        {(data) => (
          <Stack>
            <Certificate appId={appId} slot="primary" createdAt={data.primary.createdAt} />
            {data.secondary && <Certificate appId={appId} slot="secondary" createdAt={data.secondary.createdAt} />}
            {canChange && (
              <Group gap="xs">
                {!data.secondary && <Button size="xs" variant="default" loading={enable.isPending} onClick={() => enable.mutate({ params }, { onSuccess: () => notifications.show({ message: 'Secondary certificate enabled: tokens signed by either one are accepted' }) })}>Enable secondary certificate</Button>}
                {data.secondary && <Button size="xs" variant="default" loading={promote.isPending} onClick={() => promote.mutate({ params })}>Make secondary primary</Button>}
                {data.secondary && <Button size="xs" variant="light" color="red" onClick={() => setConfirming(true)}>Delete secondary</Button>}
              </Group>
            )}
            <ErrorText error={enable.error ?? promote.error} />
            <ConfirmModal
              opened={confirming}
              onClose={() => setConfirming(false)}
              title="Delete the secondary certificate?"
              action="Delete secondary"
              pending={remove.isPending}
              error={remove.error}
              onConfirm={() => remove.mutate({ params }, { onSuccess: () => setConfirming(false) })}
            >
              Tokens signed by it stop working at once, for people in calls too when their token renews.
            </ConfirmModal>
          </Stack>
        )}
      </QueryState>
    </Card>
  );
}

function TokenGenerator({ appId }: { appId: string }) {
  const create = useChange('createToken');
  const [channel, setChannel] = useState('test');
  const [uid, setUid] = useState('0');
  const [role, setRole] = useState<'publisher' | 'subscriber'>('publisher');
  const [hours, setHours] = useState<number | string>(24);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ params: { projectId: appId }, body: { channel, uid: parseUid(uid), role, expireSeconds: Math.round(Number(hours) * 3600) } });
  };
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Temporary token</Title>
      <Text size="sm" c="dimmed" mb="md">For trying things out. In production your backend mints tokens (see the docs' token guide).</Text>
      <form onSubmit={submit} noValidate>
        <Stack>
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <TextInput label="Channel" value={channel} onChange={(event) => setChannel(event.currentTarget.value)} error={fieldError(create.error, 'channel')} required />
            <TextInput label="User ID" description="A number, or a user account string" value={uid} onChange={(event) => setUid(event.currentTarget.value)} error={fieldError(create.error, 'uid')} required />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <div>
              <Text size="sm" fw={500} id="token-role">Role</Text>
              <SegmentedControl aria-labelledby="token-role" value={role} onChange={(value) => setRole(value as typeof role)} data={[{ value: 'publisher', label: 'Publisher' }, { value: 'subscriber', label: 'Subscriber' }]} fullWidth />
            </div>
            <NumberInput label="Expires after (hours)" min={1 / 60} max={24} step={1} value={hours} onChange={setHours} error={fieldError(create.error, 'expireSeconds')} />
          </SimpleGrid>
          <ErrorText error={create.error && !['channel', 'uid', 'expireSeconds'].includes(create.error.field ?? '') ? create.error : null} />
          <Group><Button type="submit" loading={create.isPending}>Generate token</Button></Group>
          {create.data && (
            <Stack gap={4}>
              <CopyField label="token" value={create.data.token} />
              <Text size="xs" c="dimmed">Expires {formatTime(create.data.expiresAt)}</Text>
            </Stack>
          )}
        </Stack>
      </form>
    </Card>
  );
}

export function ProjectCredentialsPage() {
  const { appId = '' } = useParams();
  const canChange = useCan('admin');
  return (
    <>
      <PageTitle title="Credentials" appId={appId} />
      <Stack>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">App ID</Title>
          <Text size="sm" c="dimmed" mb="sm">Public: apps pass it to <code>client.join</code>.</Text>
          <CopyField label="App ID" value={appId} />
        </Card>
        <Certificates appId={appId} />
        <TestingModeCard appId={appId} />
        {canChange && <TokenGenerator appId={appId} />}
      </Stack>
    </>
  );
}
