/**
 * The account's console users and their roles (owners only): add someone (with a generated
 * password shown once, or one you choose), change a role, remove. The server keeps one owner.
 */
import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState, type FormEvent } from 'react';
import { CONSOLE_ROLES, type ConsoleRole, type ConsoleUser } from '@parley/protocol';
import { useChange, useOperation } from '../api/queries.ts';
import { useSession } from '../api/session.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { ErrorText, fieldError } from '../components/ErrorText.tsx';
import { formatTime } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { QueryState } from '../components/QueryState.tsx';

const ROLE_WORDS: Record<ConsoleRole, string> = {
  owner: 'Owner: everything, team included',
  admin: 'Admin: everything but the team',
  viewer: 'Viewer: reads only, sees no secret',
};
const ROLE_OPTIONS = CONSOLE_ROLES.map((role) => ({ value: role, label: ROLE_WORDS[role] }));

function AddMember() {
  const [opened, { open, close }] = useDisclosure();
  const add = useChange('addTeamMember', ['listTeamMembers']);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ConsoleRole>('viewer');
  const [password, setPassword] = useState('');
  const [generated, setGenerated] = useState<{ email: string; password: string }>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ body: { email: email.trim(), role, ...(password ? { password } : {}) } }, {
      onSuccess: (added) => {
        close();
        setEmail('');
        setPassword('');
        if (added.password) setGenerated({ email: added.user.email, password: added.password });
      },
    });
  };
  return (
    <>
      <Button onClick={open}>Add member</Button>
      <Modal opened={opened} onClose={close} title="Add a team member" centered>
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput label="Email" type="email" value={email} onChange={(event) => setEmail(event.currentTarget.value)} error={fieldError(add.error, 'email')} required data-autofocus />
            <Select label="Role" data={ROLE_OPTIONS} value={role} onChange={(value) => setRole((value ?? 'viewer') as ConsoleRole)} allowDeselect={false} />
            <PasswordInput label="Password" description="Leave empty to generate one, shown once." value={password} onChange={(event) => setPassword(event.currentTarget.value)} error={fieldError(add.error, 'password')} autoComplete="new-password" />
            <ErrorText error={add.error && !['email', 'password'].includes(add.error.field ?? '') ? add.error : null} />
            <Group justify="flex-end"><Button type="submit" loading={add.isPending}>Add member</Button></Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={generated !== undefined} onClose={() => setGenerated(undefined)} title="Their password" centered>
        {generated && (
          <Stack>
            <Alert color="yellow" variant="light">Shown only now. Give it to {generated.email} over a channel you trust; they can change it after signing in.</Alert>
            <CopyField label="generated password" value={generated.password} />
            <Group justify="flex-end"><Button onClick={() => setGenerated(undefined)}>Done</Button></Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function MemberRow({ member, isMe }: { member: ConsoleUser; isMe: boolean }) {
  const update = useChange('updateTeamMember', ['listTeamMembers']);
  const remove = useChange('removeTeamMember', ['listTeamMembers']);
  const [removing, confirm] = useDisclosure();
  return (
    <Table.Tr>
      <Table.Td>{member.email}{isMe && <Text span c="dimmed" size="sm"> (you)</Text>}</Table.Td>
      <Table.Td>
        <Select aria-label={`Role of ${member.email}`} data={ROLE_OPTIONS} value={member.role} onChange={(value) => value && update.mutate({ params: { userId: member.id }, body: { role: value as ConsoleRole } })} allowDeselect={false} size="xs" w={260} error={update.error?.sentence} />
      </Table.Td>
      <Table.Td>{formatTime(member.createdAt)}</Table.Td>
      <Table.Td>
        <Button size="xs" variant="subtle" color="red" onClick={confirm.open} aria-label={`Remove ${member.email}`}>Remove</Button>
        <ConfirmModal opened={removing} onClose={confirm.close} title={`Remove ${member.email}?`} action="Remove member" pending={remove.isPending} error={remove.error} onConfirm={() => remove.mutate({ params: { userId: member.id } }, { onSuccess: confirm.close })}>
          Their sessions end at once and they can no longer sign in.
        </ConfirmModal>
      </Table.Td>
    </Table.Tr>
  );
}

export function TeamPage() {
  const team = useOperation('listTeamMembers', {});
  const session = useSession();
  return (
    <>
      <PageTitle title="Team" description="Who can sign in to this account's console, and what they may do. The account always keeps one owner.">
        <AddMember />
      </PageTitle>
      <QueryState query={team} label="team members">
        {(data) => (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>Email</Table.Th><Table.Th>Role</Table.Th><Table.Th>Added</Table.Th><Table.Th>Remove</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{data.users.map((member) => <MemberRow key={member.id} member={member} isMe={member.id === session.user.id} />)}</Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </>
  );
}
