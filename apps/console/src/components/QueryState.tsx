/**
 * The three states every view of server data has besides its data: loading, failed (with the
 * server's reason and a retry) and empty (with what to do next).
 */
import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.ts';

interface QueryLike<T> {
  data: T | undefined;
  error: ApiError | null;
  isPending: boolean;
  refetch: () => unknown;
}

export function QueryState<T>({ query, empty, isEmpty, children, label }: {
  query: QueryLike<T>;
  /** What a person sees when there is nothing yet. */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  /** What is loading, for screen readers: "Loading projects". */
  label: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Center py="xl" role="status" aria-label={`Loading ${label}`}>
        <Loader size="sm" />
      </Center>
    );
  }
  if (query.error || query.data === undefined) {
    return (
      <Alert color="red" title={`Could not load ${label}`} role="alert">
        <Group justify="space-between">
          <Text size="sm">{query.error?.sentence ?? 'No answer from the server'}</Text>
          <Button size="xs" variant="light" color="red" onClick={() => void query.refetch()}>Try again</Button>
        </Group>
      </Alert>
    );
  }
  if (empty && isEmpty?.(query.data)) return <Stack py="lg" align="center" c="dimmed">{empty}</Stack>;
  return <>{children(query.data)}</>;
}
