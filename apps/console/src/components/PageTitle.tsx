/** A page's heading, with the project it is about when there is one, and its actions on the right. */
import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useOperation } from '../api/queries.ts';

export function PageTitle({ title, appId, description, children }: { title: string; appId?: string; description?: ReactNode; children?: ReactNode }) {
  const projects = useOperation('listConsoleProjects', {}, { enabled: appId !== undefined });
  const project = projects.data?.projects.find((p) => p.appId === appId);
  return (
    <Group justify="space-between" align="flex-end" mb="md" wrap="wrap">
      <Stack gap={2}>
        {appId && <Text size="sm" c="dimmed">{project?.name ?? appId}{project?.status === 'disabled' ? ' (disabled)' : ''}</Text>}
        <Title order={2}>{title}</Title>
        {description && <Text size="sm" c="dimmed" maw={640}>{description}</Text>}
      </Stack>
      {children && <Group gap="xs">{children}</Group>}
    </Group>
  );
}
