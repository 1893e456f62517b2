/**
 * The account's RESTful API credentials: Customer ID/Secret pairs for HTTP Basic. A secret is
 * shown once, when made (with a download), and only its hash is kept; deleting a pair makes
 * requests signed with it fail at once.
 */
import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { Data } from '../api/client.ts';
import { useChange, useOperation } from '../api/queries.ts';
import { useCan } from '../api/session.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { formatTime } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { QueryState } from '../components/QueryState.tsx';

type CreatedCustomerCredential = Data<'createCustomerCredential'>;

function download(credential: CreatedCustomerCredential): void {
  const text = `# Parley RESTful API credentials, made ${credential.createdAt}\nPARLEY_CUSTOMER_ID=${credential.customerId}\nPARLEY_CUSTOMER_SECRET=${credential.customerSecret}\n`;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  link.download = `parley-credentials-${credential.customerId.slice(0, 8)}.env`;
  link.click();
  URL.revokeObjectURL(link.href);
}

function NewSecret({ credential, onClose }: { credential: CreatedCustomerCredential | undefined; onClose: () => void }) {
  return (
    <Modal opened={credential !== undefined} onClose={onClose} title="Your new Customer Secret" centered size="lg">
      {credential && (
        <Stack>
          <Alert color="yellow" variant="light">This is the only time the secret is shown. Copy it or download it now; Parley keeps only a hash.</Alert>
          <Text size="sm" fw={500}>Customer ID</Text>
          <CopyField label="Customer ID" value={credential.customerId} />
          <Text size="sm" fw={500}>Customer Secret</Text>
          <CopyField label="Customer Secret" value={credential.customerSecret} />
          <Text size="sm" c="dimmed">Use them as HTTP Basic credentials: <code>curl -u ID:SECRET {location.origin}/v1/…</code></Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => download(credential)}>Download as file</Button>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

export function CustomerCredentialsPage() {
  const credentials = useOperation('listCustomerCredentials', {});
  const canChange = useCan('admin');
  const create = useChange('createCustomerCredential', ['listCustomerCredentials']);
  const remove = useChange('deleteCustomerCredential', ['listCustomerCredentials']);
  const [created, setCreated] = useState<CreatedCustomerCredential>();
  const [deleting, setDeleting] = useState<string>();
  return (
    <>
      <PageTitle title="RESTful API credentials" description="Customer ID and Secret pairs authenticate your backend's REST calls (HTTP Basic) for every project of the account. Keep one per service so you can revoke one without touching the others.">
        {canChange && <Button loading={create.isPending} onClick={() => create.mutate({ body: {} }, { onSuccess: setCreated })}>Create secret</Button>}
      </PageTitle>
      <ErrorText error={create.error} />
      <QueryState query={credentials} label="credentials">
        {(data) => (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>Customer ID</Table.Th><Table.Th>Created</Table.Th><Table.Th>Last used</Table.Th>{canChange && <Table.Th>Delete</Table.Th>}</Table.Tr></Table.Thead>
              <Table.Tbody>
                {data.credentials.map((credential) => (
                  <Table.Tr key={credential.customerId}>
                    <Table.Td><CopyField label={`Customer ID ${credential.customerId.slice(0, 8)}`} value={credential.customerId} /></Table.Td>
                    <Table.Td>{formatTime(credential.createdAt)}</Table.Td>
                    <Table.Td>{credential.lastUsedAt ? formatTime(credential.lastUsedAt) : 'Never'}</Table.Td>
                    {canChange && (
                      <Table.Td>
                        <Button size="xs" variant="subtle" color="red" disabled={data.credentials.length === 1} title={data.credentials.length === 1 ? 'The account needs one pair at least' : undefined} onClick={() => setDeleting(credential.customerId)} aria-label={`Delete Customer ID ${credential.customerId.slice(0, 8)}`}>Delete</Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {!canChange && <Text size="sm" c="dimmed" mt="md">Viewers see Customer IDs only; an admin creates and deletes secrets.</Text>}
      <NewSecret credential={created} onClose={() => setCreated(undefined)} />
      <ConfirmModal
        opened={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title="Delete this Customer ID and Secret?"
        confirmWord={deleting?.slice(0, 8)}
        action="Delete credentials"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate({ params: { customerId: deleting } }, { onSuccess: () => setDeleting(undefined) })}
      >
        Requests signed with Customer ID {deleting} fail from now on.
      </ConfirmModal>
    </>
  );
}
