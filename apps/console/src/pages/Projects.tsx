/**
 * Projects: each an App ID with its certificate. Create, rename, disable/enable and delete; a
 * delete asks for the project's name typed out.
 */
import { Anchor, Badge, Button, Group, Menu, Modal, Stack, Table, Text, TextInput, ActionIcon, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ConsoleProject } from '@parley/protocol';
import { useChange, useOperation } from '../api/queries.ts';
import { useCan } from '../api/session.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { ErrorText, fieldError } from '../components/ErrorText.tsx';
import { formatTime } from '../components/format.ts';
import { DotsIcon } from '../components/icons.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { QueryState } from '../components/QueryState.tsx';

function NameForm({ initial, action, onSubmit, pending, error }: { initial: string; action: string; onSubmit: (name: string) => void; pending: boolean; error: Parameters<typeof fieldError>[0] }) {
  const [name, setName] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(name.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="Name" description="1 to 64 characters, for people: your app or environment." value={name} onChange={(event) => setName(event.currentTarget.value)} error={fieldError(error, 'name')} required data-autofocus maxLength={64} />
        <ErrorText error={error && error.field !== 'name' ? error : null} />
        <Group justify="flex-end"><Button type="submit" loading={pending}>{action}</Button></Group>
      </Stack>
    </form>
  );
}

function CreateProject() {
  const [opened, { open, close }] = useDisclosure();
  const create = useChange('createConsoleProject', ['listConsoleProjects']);
  const navigate = useNavigate();
  return (
    <>
      <Button onClick={open}>Create project</Button>
      <Modal opened={opened} onClose={close} title="Create a project" centered>
        <NameForm
          initial=""
          action="Create project"
          pending={create.isPending}
          error={create.error}
          onSubmit={(name) => create.mutate({ body: { name } }, {
            onSuccess: (project) => {
              close();
              notifications.show({ color: 'teal', message: `Project ${project.name} created` });
              navigate(`/projects/${project.appId}/credentials`);
            },
          })}
        />
      </Modal>
    </>
  );
}

function ProjectActions({ project }: { project: ConsoleProject }) {
  const [renaming, rename] = useDisclosure();
  const [deleting, remove] = useDisclosure();
  const update = useChange('updateConsoleProject', ['listConsoleProjects']);
  const destroy = useChange('deleteConsoleProject', ['listConsoleProjects']);
  const params = { projectId: project.appId };
  const toggleStatus = () => update.mutate({ params, body: { status: project.status === 'active' ? 'disabled' : 'active' } }, {
    onSuccess: (updated) => notifications.show({ message: `${updated.name} is ${updated.status === 'active' ? 'enabled' : 'disabled: its calls ended and new joins are refused'}` }),
    onError: (error) => notifications.show({ color: 'red', message: error.sentence }),
  });
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" aria-label={`Actions for ${project.name}`}><DotsIcon /></ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={rename.open}>Rename</Menu.Item>
          <Menu.Item onClick={toggleStatus}>{project.status === 'active' ? 'Disable' : 'Enable'}</Menu.Item>
          <Menu.Divider />
          <Menu.Item color="red" onClick={remove.open}>Delete</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={renaming} onClose={rename.close} title={`Rename ${project.name}`} centered>
        <NameForm initial={project.name} action="Rename" pending={update.isPending} error={update.error} onSubmit={(name) => update.mutate({ params, body: { name } }, { onSuccess: rename.close })} />
      </Modal>
      <ConfirmModal
        opened={deleting}
        onClose={remove.close}
        title={`Delete ${project.name}?`}
        confirmWord={project.name}
        action="Delete project"
        pending={destroy.isPending}
        error={destroy.error}
        onConfirm={() => destroy.mutate({ params }, { onSuccess: () => { remove.close(); notifications.show({ message: `${project.name} deleted` }); } })}
      >
        Its App ID and certificates stop working at once and people in its calls are disconnected. Its sessions and recordings stay for usage reports.
      </ConfirmModal>
    </>
  );
}

export function ProjectsPage() {
  const projects = useOperation('listConsoleProjects', {});
  const canChange = useCan('admin');
  return (
    <>
      <PageTitle title="Projects" description="A project is an App ID and its App Certificate: apps join calls with tokens signed by the certificate.">
        {canChange && <CreateProject />}
      </PageTitle>
      <QueryState query={projects} label="projects" isEmpty={(data) => data.projects.length === 0} empty={<Text>No projects yet. {canChange ? 'Create one to get an App ID.' : 'An admin of the account can create one.'}</Text>}>
        {(data) => (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr><Table.Th>Name</Table.Th><Table.Th>App ID</Table.Th><Table.Th>Created</Table.Th><Table.Th>Status</Table.Th>{canChange && <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}</Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.projects.map((project) => (
                  <Table.Tr key={project.appId}>
                    <Table.Td><Anchor component={Link} to={`/projects/${project.appId}/credentials`} fw={500}>{project.name}</Anchor></Table.Td>
                    <Table.Td><CopyField label={`App ID of ${project.name}`} value={project.appId} /></Table.Td>
                    <Table.Td>{formatTime(project.createdAt)}</Table.Td>
                    <Table.Td><Badge color={project.status === 'active' ? 'teal' : 'gray'} variant="light">{project.status}</Badge></Table.Td>
                    {canChange && <Table.Td><ProjectActions project={project} /></Table.Td>}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </>
  );
}
