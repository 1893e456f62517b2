/**
 * The Credentials page's testing mode switch (Agora's "testing mode": App ID only, no token).
 * Turning it on asks first, since anyone with the App ID can then join any channel; turning it off
 * ("enforce the certificate") is the safe direction and happens at once, ending tokenless sessions.
 */
import { Alert, Card, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useChange, useOperation } from '../api/queries.ts';
import { useCan } from '../api/session.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { QueryState } from '../components/QueryState.tsx';

const WARNING = 'Anyone with the App ID can join any channel, with full privileges and without a token.';

export function TestingModeCard({ appId }: { appId: string }) {
  const projects = useOperation('listConsoleProjects', {});
  const canChange = useCan('admin');
  const update = useChange('updateConsoleProject', ['listConsoleProjects']);
  const [confirming, setConfirming] = useState(false);
  const switchTo = (testingMode: boolean) =>
    update.mutate({ params: { projectId: appId }, body: { testingMode } }, {
      onSuccess: () => {
        setConfirming(false);
        notifications.show({ message: testingMode ? 'Testing mode is on: joins without a token are accepted' : 'Tokens are required again; people who joined without one were disconnected' });
      },
    });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Testing mode</Title>
      <Text size="sm" c="dimmed" mb="md">
        For early development: apps join with the App ID alone (<code>client.join(appId, channel, null)</code>). Switch it off before you go live; tokens are then required again.
      </Text>
      <QueryState query={projects} label="project">
        {(data) => {
          const on = data.projects.find((project) => project.appId === appId)?.testingMode ?? false;
          return (
            <Stack gap="sm">
              <Switch
                label="Accept joins without a token"
                checked={on}
                disabled={!canChange || update.isPending}
                onChange={(event) => (event.currentTarget.checked ? setConfirming(true) : switchTo(false))}
              />
              {on && <Alert color="orange" variant="light" title="Testing mode is on">{WARNING}</Alert>}
              {!confirming && <ErrorText error={update.error} />}
              <ConfirmModal
                opened={confirming}
                onClose={() => setConfirming(false)}
                title="Turn testing mode on?"
                action="Turn on testing mode"
                pending={update.isPending}
                error={update.error}
                onConfirm={() => switchTo(true)}
              >
                {WARNING} Use it only while developing.
              </ConfirmModal>
            </Stack>
          );
        }}
      </QueryState>
    </Card>
  );
}
