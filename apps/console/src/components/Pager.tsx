import { Button, Group, Text } from '@mantine/core';

export function Pager({ page, nextCursor, onNext, onPrevious }: { page: number; nextCursor: string | null | undefined; onNext: (cursor: string) => void; onPrevious: () => void }) {
  if (page === 1 && !nextCursor) return null;
  return (
    <Group justify="flex-end" mt="sm" gap="xs">
      <Button size="xs" variant="default" disabled={page === 1} onClick={onPrevious}>Previous page</Button>
      <Text size="sm" c="dimmed">Page {page}</Text>
      <Button size="xs" variant="default" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>Next page</Button>
    </Group>
  );
}
