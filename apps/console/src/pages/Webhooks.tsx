/**
 * Webhook endpoints of a project and their delivery log. A signing secret is shown once (at
 * creation and rotation); each delivery shows its exact signed body, status, attempts and
 * latency, and can be sent again. "Send test event" posts a signed test notice through the same
 * delivery path, so it shows in the log like any other.
 */
import { Accordion, Alert, Badge, Button, Checkbox, Code, Group, Modal, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { WEBHOOK_EVENTS, type Webhook, type WebhookEventName, type WebhookWithSecret } from '@parley/protocol';
import { useChange, useOperation } from '../api/queries.ts';
import { useCan } from '../api/session.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { ErrorText, fieldError } from '../components/ErrorText.tsx';
import { formatTime } from '../components/format.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { Pager } from '../components/Pager.tsx';
import { QueryState } from '../components/QueryState.tsx';
import { usePages } from '../components/usePages.ts';

const EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as WebhookEventName[];

function EventsField({ value, onChange, error }: { value: WebhookEventName[]; onChange: (events: WebhookEventName[]) => void; error?: string }) {
  return (
    <Checkbox.Group label="Events" description="None ticked: every event, including ones added later." value={value} onChange={(events) => onChange(events as WebhookEventName[])} error={error}>
      <Stack gap={6} mt="xs">
        {EVENT_NAMES.map((name) => <Checkbox key={name} value={name} label={<><Code>{name}</Code> <Text span size="xs" c="dimmed">{WEBHOOK_EVENTS[name]}</Text></>} />)}
      </Stack>
    </Checkbox.Group>
  );
}

function SecretOnce({ webhook, onClose }: { webhook: WebhookWithSecret | undefined; onClose: () => void }) {
  return (
    <Modal opened={webhook !== undefined} onClose={onClose} title="Signing secret" centered size="lg">
      {webhook && (
        <Stack>
          <Alert color="yellow" variant="light">Shown only now. Your receiver checks <code>Agora-Signature-V2</code>, the hex HMAC-SHA256 of the raw body with this secret.</Alert>
          <CopyField label="signing secret" value={webhook.secret} />
          <Group justify="flex-end"><Button onClick={onClose}>Done</Button></Group>
        </Stack>
      )}
    </Modal>
  );
}

function CreateWebhook({ appId, onCreated }: { appId: string; onCreated: (webhook: WebhookWithSecret) => void }) {
  const [opened, { open, close }] = useDisclosure();
  const create = useChange('createWebhook', ['listWebhooks']);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventName[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ params: { projectId: appId }, body: { url: url.trim(), events: events.length ? events : null } }, {
      onSuccess: (webhook) => { close(); setUrl(''); setEvents([]); onCreated(webhook); },
    });
  };
  return (
    <>
      <Button onClick={open}>Add endpoint</Button>
      <Modal opened={opened} onClose={close} title="Add a webhook endpoint" centered size="lg">
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput label="URL" placeholder="https://example.com/parley/webhooks" value={url} onChange={(event) => setUrl(event.currentTarget.value)} error={fieldError(create.error, 'url')} required data-autofocus />
            <EventsField value={events} onChange={setEvents} error={fieldError(create.error, 'events')} />
            <ErrorText error={create.error && !['url', 'events'].includes(create.error.field ?? '') ? create.error : null} />
            <Group justify="flex-end"><Button type="submit" loading={create.isPending}>Add endpoint</Button></Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function EditEvents({ appId, webhook, opened, onClose }: { appId: string; webhook: Webhook; opened: boolean; onClose: () => void }) {
  const update = useChange('updateWebhook', ['listWebhooks']);
  const [events, setEvents] = useState<WebhookEventName[]>((webhook.events ?? []) as WebhookEventName[]);
  return (
    <Modal opened={opened} onClose={onClose} title="Events to deliver" centered size="lg">
      <Stack>
        <EventsField value={events} onChange={setEvents} error={fieldError(update.error, 'events')} />
        <ErrorText error={update.error} />
        <Group justify="flex-end"><Button loading={update.isPending} onClick={() => update.mutate({ params: { projectId: appId, webhookId: webhook.webhookId }, body: { events: events.length ? events : null } }, { onSuccess: onClose })}>Save</Button></Group>
      </Stack>
    </Modal>
  );
}

function Deliveries({ appId, webhookId }: { appId: string; webhookId: string }) {
  const [state, setState] = useState<string | null>(null);
  const pages = usePages(state ?? '');
  const deliveries = useOperation('listWebhookDeliveries', { params: { projectId: appId, webhookId }, query: { limit: 20, cursor: pages.cursor, state: (state ?? undefined) as 'pending' | 'delivered' | 'failed' | undefined } }, {
    refetchInterval: (query) => (query.state.data?.deliveries.some((delivery) => delivery.state === 'pending') ? 3_000 : 15_000),
  });
  const redeliver = useChange('redeliverWebhookDelivery', ['listWebhookDeliveries']);
  const canChange = useCan('admin');
  return (
    <Stack gap="xs">
      <Select label="Delivery state" data={[{ value: 'pending', label: 'Pending' }, { value: 'delivered', label: 'Delivered' }, { value: 'failed', label: 'Failed' }]} value={state} onChange={setState} clearable placeholder="Any" maw={200} size="xs" />
      <QueryState query={deliveries} label="deliveries" isEmpty={(data) => data.deliveries.length === 0} empty={<Text size="sm">No deliveries{state ? ` ${state}` : ' yet'}.</Text>}>
        {(data) => (
          <>
            <Accordion variant="contained">
              {data.deliveries.map((delivery) => (
                <Accordion.Item key={delivery.deliveryId} value={String(delivery.deliveryId)}>
                  <Accordion.Control>
                    <Group gap="xs" wrap="wrap">
                      <Badge size="sm" variant="light" color={delivery.state === 'delivered' ? 'teal' : delivery.state === 'failed' ? 'red' : 'yellow'}>{delivery.state}</Badge>
                      <Code>{delivery.event}</Code>
                      {delivery.channel && <Text size="xs" ff="monospace">{delivery.channel}</Text>}
                      <Text size="xs" c="dimmed">{formatTime(delivery.createdAt)}</Text>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <Stack gap={6}>
                      <Text size="sm">
                        {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
                        {delivery.lastStatus !== null && <> · last answer HTTP {delivery.lastStatus}</>}
                        {delivery.lastLatencyMs !== null && <> in {delivery.lastLatencyMs} ms</>}
                        {delivery.nextAttemptAt && <> · next try {formatTime(delivery.nextAttemptAt)}</>}
                      </Text>
                      {delivery.lastError && <Text size="sm" c="red">{delivery.lastError}</Text>}
                      <Text size="xs" fw={700}>Request body (signed)</Text>
                      <Code block style={{ maxHeight: 240, overflow: 'auto' }}>{prettyJson(delivery.body)}</Code>
                      {delivery.lastResponseBody !== null && (
                        <>
                          <Text size="xs" fw={700}>Response body{delivery.lastStatus !== null ? ` (HTTP ${delivery.lastStatus})` : ''}</Text>
                          <Code block style={{ maxHeight: 160, overflow: 'auto' }}>{delivery.lastResponseBody === '' ? '(empty)' : prettyJson(delivery.lastResponseBody)}</Code>
                        </>
                      )}
                      {canChange && (
                        <Group>
                          <Button size="xs" variant="default" loading={redeliver.isPending} onClick={() => redeliver.mutate({ params: { projectId: appId, webhookId, deliveryId: delivery.deliveryId } }, { onSuccess: () => notifications.show({ message: 'Sent again: a new delivery is in the log' }) })}>Redeliver</Button>
                        </Group>
                      )}
                    </Stack>
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
            <Pager page={pages.page} nextCursor={data.nextCursor} onNext={pages.next} onPrevious={pages.previous} />
          </>
        )}
      </QueryState>
    </Stack>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function WebhookCard({ appId, webhook, onSecret }: { appId: string; webhook: Webhook; onSecret: (webhook: WebhookWithSecret) => void }) {
  const canChange = useCan('admin');
  const params = { projectId: appId, webhookId: webhook.webhookId };
  const update = useChange('updateWebhook', ['listWebhooks']);
  const rotate = useChange('rotateWebhookSecret', ['listWebhooks']);
  const remove = useChange('deleteWebhook', ['listWebhooks']);
  const test = useChange('sendWebhookTestEvent', ['listWebhookDeliveries']);
  const [editing, edit] = useDisclosure();
  const [deleting, confirmDelete] = useDisclosure();
  return (
    <Accordion.Item value={webhook.webhookId}>
      <Accordion.Control>
        <Group justify="space-between" wrap="wrap" pr="sm">
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>{webhook.url}</Text>
          <Group gap={4}>
            <Badge variant="light" color={webhook.enabled ? 'teal' : 'gray'}>{webhook.enabled ? 'on' : webhook.disabledReason === 'failing' ? 'off: kept failing' : 'off'}</Badge>
            {webhook.failureStreak > 0 && <Badge variant="light" color="red">{webhook.failureStreak} failed</Badge>}
          </Group>
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack>
          <Text size="sm">Events: {webhook.events ? webhook.events.map((event) => <Code key={event} mr={4}>{event}</Code>) : 'every event'}</Text>
          {canChange && (
            <Group gap="xs">
              <Switch label="Deliver" checked={webhook.enabled} onChange={(event) => update.mutate({ params, body: { enabled: event.currentTarget.checked } })} />
              <Button size="xs" variant="default" onClick={edit.open}>Edit events</Button>
              <Button size="xs" variant="default" loading={test.isPending} onClick={() => test.mutate({ params }, { onSuccess: () => notifications.show({ message: 'Test event sent: it shows in the delivery log below' }) })}>Send test event</Button>
              <Button size="xs" variant="default" loading={rotate.isPending} onClick={() => rotate.mutate({ params }, { onSuccess: onSecret })}>Rotate secret</Button>
              <Button size="xs" variant="light" color="red" onClick={confirmDelete.open}>Delete</Button>
            </Group>
          )}
          <ErrorText error={update.error ?? test.error ?? rotate.error} />
          <Deliveries appId={appId} webhookId={webhook.webhookId} />
        </Stack>
        {editing && <EditEvents appId={appId} webhook={webhook} opened={editing} onClose={edit.close} />}
        <ConfirmModal opened={deleting} onClose={confirmDelete.close} title="Delete this endpoint?" action="Delete endpoint" pending={remove.isPending} error={remove.error} onConfirm={() => remove.mutate({ params }, { onSuccess: confirmDelete.close })}>
          {webhook.url} stops receiving notices; its delivery log goes with it.
        </ConfirmModal>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

export function WebhooksPage() {
  const { appId = '' } = useParams();
  const webhooks = useOperation('listWebhooks', { params: { projectId: appId } });
  const canChange = useCan('admin');
  const [secret, setSecret] = useState<WebhookWithSecret>();
  return (
    <>
      <PageTitle title="Webhooks" appId={appId} description="Signed notices (Agora's NCS format) POSTed to your endpoints when channels, participants and recordings change.">
        {canChange && <CreateWebhook appId={appId} onCreated={setSecret} />}
      </PageTitle>
      <QueryState query={webhooks} label="webhooks" isEmpty={(data) => data.webhooks.length === 0} empty={<Text>No endpoints. {canChange ? 'Add one to get notices of joins, leaves and recordings.' : ''}</Text>}>
        {(data) => (
          <Accordion variant="separated" defaultValue={data.webhooks[0]?.webhookId}>
            {data.webhooks.map((webhook) => <WebhookCard key={webhook.webhookId} appId={appId} webhook={webhook} onSecret={setSecret} />)}
          </Accordion>
        )}
      </QueryState>
      <SecretOnce webhook={secret} onClose={() => setSecret(undefined)} />
    </>
  );
}
