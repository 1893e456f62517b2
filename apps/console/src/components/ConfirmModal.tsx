/**
 * A confirmation for what cannot be undone: the person types the name of what goes away, as
 * GitHub and the clouds' consoles ask, so a slip of the mouse deletes nothing.
 */
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { ApiError } from '../api/client.ts';
import { ErrorText } from './ErrorText.tsx';

export function ConfirmModal({ opened, onClose, title, children, confirmWord, action, onConfirm, pending, error }: {
  opened: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  /** When set, the button stays off until this is typed. */
  confirmWord?: string;
  action: string;
  onConfirm: () => void;
  pending: boolean;
  error: ApiError | null;
}) {
  const [typed, setTyped] = useState('');
  const ready = confirmWord === undefined || typed === confirmWord;
  return (
    <Modal opened={opened} onClose={() => { setTyped(''); onClose(); }} title={title} centered>
      <Stack>
        <Text size="sm">{children}</Text>
        {confirmWord !== undefined && (
          <TextInput label={`Type ${confirmWord} to confirm`} value={typed} onChange={(event) => setTyped(event.currentTarget.value)} autoComplete="off" data-autofocus />
        )}
        <ErrorText error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button color="red" disabled={!ready} loading={pending} onClick={onConfirm}>{action}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
