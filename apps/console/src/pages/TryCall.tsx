/**
 * A call with this project's tokens: the server's call page, opened with `?appId=`, mints each
 * person a publisher token through the v1 token operation with your console session.
 */
import { Alert, Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useCan } from '../api/session.tsx';
import { PageTitle } from '../components/PageTitle.tsx';

export function TryCallPage() {
  const { appId = '' } = useParams();
  const canMint = useCan('admin');
  const [channel, setChannel] = useState('test');
  const href = `/call?${new URLSearchParams({ appId, channel: channel.trim() || 'test' }).toString()}`;
  return (
    <>
      <PageTitle title="Try a call" appId={appId} description="Join a call in this browser with this project's App ID. Open it in two tabs to talk to yourself; it shows up on Live channels at once." />
      <Card withBorder maw={520}>
        {canMint ? (
          <Stack>
            <TextInput label="Channel" value={channel} onChange={(event) => setChannel(event.currentTarget.value)} />
            <Group>
              <Button component="a" href={href} target="_blank" rel="noopener">Open the call page</Button>
              <Text size="sm" c="dimmed">in a new tab</Text>
            </Group>
          </Stack>
        ) : (
          <Alert color="gray" variant="light">Calls need tokens signed with the App Certificate, which viewers cannot mint. Ask an admin of the account.</Alert>
        )}
      </Card>
    </>
  );
}
