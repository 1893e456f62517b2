/**
 * The live tester of one operation: connection, parameters and body, then Send. Inputs are
 * validated with the operation's schemas first; an invalid request is not sent.
 * A valid one goes with fetch to the chosen server only, and its answer is shown with code for the
 * same request.
 */
import React, { useId, useMemo, useRef, useState } from 'react';
import useIsBrowser from '@docusaurus/useIsBrowser';
import { buildUrl, type RequestAuth, type SnippetRequest } from '../../api/request';
import { sendRequest, type TesterResponse } from '../../api/send';
import type { ApiOperation } from '../../api/types';
import BodyEditor from './BodyEditor';
import CodeSamples from './CodeSamples';
import ConnectionFields from './ConnectionFields';
import { useConnection } from './connectionStore';
import ErrorSummary from './ErrorSummary';
import ParameterFields from './ParameterFields';
import ResponseView from './ResponseView';
import { useDefaultServerUrl } from './useDefaultServerUrl';
import { fieldLabel, useRequestInputs, type KeyedError } from './useRequestInputs';
import styles from './styles.module.css';

const AUTH_FIELD_IDS: Record<string, string> = { customerId: 'customer-id', customerSecret: 'customer-secret', token: 'token' };

type Outcome = { kind: 'response'; response: TesterResponse } | { kind: 'failure'; message: string };

export default function Tester({ operation }: { operation: ApiOperation }): React.JSX.Element {
  const idPrefix = `tester-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const isBrowser = useIsBrowser();
  const connection = useConnection();
  const defaultServerUrl = useDefaultServerUrl();
  const serverUrl = connection.serverUrl || defaultServerUrl;
  const authMode = operation.auth.includes(connection.authMode) ? connection.authMode : (operation.auth[0] ?? 'basic');
  const inputs = useRequestInputs(operation, connection, serverUrl, authMode);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const summaryRef = useRef<HTMLDivElement>(null);

  const auth: RequestAuth | undefined = useMemo(
    () => operation.auth.length === 0 ? undefined
      : authMode === 'basic' ? { scheme: 'basic', user: connection.customerId, password: connection.customerSecret }
      : { scheme: 'bearer', token: connection.token },
    [operation.auth.length, authMode, connection.customerId, connection.customerSecret, connection.token],
  );
  const request: SnippetRequest = useMemo(
    () => ({
      method: operation.method,
      url: buildUrl(serverUrl, operation, inputs.values),
      ...(auth ? { auth } : {}),
      ...(operation.body ? { body: inputs.body ?? {} } : {}),
    }),
    [operation, serverUrl, inputs.values, inputs.body, auth],
  );

  const inputIdOf = (error: KeyedError): string => {
    if (error.part === 'server') return `${idPrefix}-server`;
    if (error.part === 'auth') return `${idPrefix}-${AUTH_FIELD_IDS[error.field] ?? 'server'}`;
    if (error.part === 'body') return inputs.bodyMode === 'form' && error.field ? `${idPrefix}-body-${error.field}` : `${idPrefix}-body-json`;
    return `${idPrefix}-${error.part}-${error.field}`;
  };
  const labelOf = (error: KeyedError): string =>
    error.part === 'server' || error.part === 'auth' || error.field === '' ? fieldLabel(error) : `${error.field} (${error.part})`;

  async function send(event: React.FormEvent) {
    event.preventDefault();
    inputs.setAttempted(true);
    if (inputs.errors.length > 0) {
      setAnnouncement('');
      // Focus the summary so keyboard and screen-reader users land on what to fix.
      requestAnimationFrame(() => summaryRef.current?.querySelector('a')?.focus());
      return;
    }
    setSending(true);
    setAnnouncement('Sending…');
    try {
      const response = await sendRequest(request);
      setOutcome({ kind: 'response', response });
      setAnnouncement(`Response ${response.status} in ${response.durationMs} ms`);
    } catch (error) {
      const message = `No answer from ${serverUrl}: ${(error as Error).message}. Check the server URL, that the server runs, and that its PARLEY_CORS_ORIGINS allows this page's origin.`;
      setOutcome({ kind: 'failure', message });
      setAnnouncement('The request failed');
    } finally {
      setSending(false);
    }
  }

  const titleId = `${idPrefix}-title`;
  return (
    <section className={styles.tester} aria-labelledby={titleId} data-operation={operation.operationId}>
      <p id={titleId} className={styles.testerTitle}>
        Try it: <code>{operation.method} {operation.path}</code>
      </p>
      <form onSubmit={send} noValidate>
        <ConnectionFields
          idPrefix={idPrefix}
          connection={connection}
          serverUrl={serverUrl}
          authMode={authMode}
          allowedAuth={operation.auth}
          errors={inputs.shown}
          onTouch={inputs.touch}
        />
        <ParameterFields
          idPrefix={idPrefix}
          parameters={operation.parameters}
          values={inputs.values}
          errors={inputs.shown}
          onChange={(name, value) => inputs.setParameter(name, value, operation.parameters.find((p) => p.name === name)?.in ?? 'path')}
        />
        {operation.body && (
          <BodyEditor
            idPrefix={idPrefix}
            schema={operation.body.schema}
            mode={inputs.bodyMode}
            value={inputs.body}
            rawText={inputs.rawText}
            errors={inputs.shown}
            onModeChange={inputs.setMode}
            onFieldChange={inputs.setBodyField}
            onRawChange={inputs.setRaw}
          />
        )}
        <div ref={summaryRef}>{inputs.attempted && <ErrorSummary errors={inputs.errors} labelOf={labelOf} inputIdOf={inputIdOf} />}</div>
        {/* Disabled until hydrated: before that, submitting would be the browser's own form submit. */}
        <button type="submit" className={styles.sendButton} disabled={!isBrowser || sending} aria-busy={sending}>
          {sending ? 'Sending…' : 'Send request'}
        </button>
        <span className={styles.visuallyHidden} role="status">
          {announcement}
        </span>
      </form>
      {outcome?.kind === 'response' && <ResponseView response={outcome.response} />}
      {outcome?.kind === 'failure' && (
        <p className={styles.failure} role="alert">
          {outcome.message}
        </p>
      )}
      <CodeSamples request={request} />
    </section>
  );
}
