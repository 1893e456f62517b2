/** Changing your own password; the server ends your other sessions (and this one: sign in again). */
import { Button, Paper, PasswordInput, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useChange } from '../api/queries.ts';
import { ErrorText, fieldError } from '../components/ErrorText.tsx';
import { PageTitle } from '../components/PageTitle.tsx';

export function PasswordPage() {
  const client = useQueryClient();
  const change = useChange('changePassword');
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ body: { currentPassword, newPassword } }, {
      onSuccess: () => {
        client.clear();
        void client.invalidateQueries({ queryKey: ['getSession'] });
      },
    });
  };
  return (
    <>
      <PageTitle title="Password" description="Changing it signs you out everywhere; sign in again with the new one." />
      <Paper withBorder p="md" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput label="Current password" autoComplete="current-password" value={currentPassword} onChange={(event) => setCurrent(event.currentTarget.value)} error={fieldError(change.error, 'currentPassword')} required />
            <PasswordInput label="New password" description="12 characters at least" autoComplete="new-password" value={newPassword} onChange={(event) => setNew(event.currentTarget.value)} error={fieldError(change.error, 'newPassword')} required />
            <ErrorText error={change.error && !['currentPassword', 'newPassword'].includes(change.error.field ?? '') ? change.error : null} />
            <Button type="submit" loading={change.isPending}>Change password</Button>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
