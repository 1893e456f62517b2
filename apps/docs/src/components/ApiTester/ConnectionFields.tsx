/**
 * Where the request goes and who sends it: the server URL, then Basic credentials (Customer ID and
 * Secret) or a Bearer token, as the operation allows. Values live in the shared connection store.
 */
import React from 'react';
import type { AuthScheme } from '../../api/types';
import { updateConnection, type AuthMode, type Connection } from './connectionStore';
import FormField from './FormField';
import SecretInput from './SecretInput';
import styles from './styles.module.css';

export interface ConnectionFieldsProps {
  idPrefix: string;
  connection: Connection;
  serverUrl: string;
  authMode: AuthMode;
  allowedAuth: AuthScheme[];
  errors: Record<string, string | undefined>;
  onTouch: (key: string) => void;
}

const AUTH_LABELS: Record<AuthMode, string> = { basic: 'Customer ID and Secret (Basic)', bearer: 'Access token (Bearer)' };

export default function ConnectionFields(props: ConnectionFieldsProps): React.JSX.Element {
  const { idPrefix, connection, authMode, allowedAuth, errors, onTouch } = props;
  const edit = (key: string, change: Partial<Connection>) => {
    onTouch(key);
    updateConnection(change);
  };
  return (
    <fieldset className={styles.group}>
      <legend className={styles.legend}>Connection</legend>
      <FormField id={`${idPrefix}-server`} label="Server URL" required hint="Requests go straight from your browser to this server, and nowhere else." error={errors['server:url']}>
        {(control) => (
          <input
            {...control}
            className={styles.input}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            value={props.serverUrl}
            onChange={(event) => edit('server:url', { serverUrl: event.target.value })}
          />
        )}
      </FormField>

      {allowedAuth.length > 1 && (
        <fieldset className={styles.radioGroup}>
          <legend className={styles.label}>Authentication</legend>
          {allowedAuth.map((mode) => (
            <label key={mode} className={styles.radio}>
              <input type="radio" name={`${idPrefix}-auth`} checked={authMode === mode} onChange={() => updateConnection({ authMode: mode })} />{' '}
              {AUTH_LABELS[mode]}
            </label>
          ))}
        </fieldset>
      )}

      {authMode === 'basic' ? (
        <>
          <FormField id={`${idPrefix}-customer-id`} label="Customer ID" required error={errors['auth:customerId']}>
            {(control) => (
              <input
                {...control}
                className={styles.input}
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={connection.customerId}
                onChange={(event) => edit('auth:customerId', { customerId: event.target.value })}
              />
            )}
          </FormField>
          <FormField id={`${idPrefix}-customer-secret`} label="Customer Secret" required hint="Masked here and in the code samples unless you choose to show it." error={errors['auth:customerSecret']}>
            {(control) => (
              <SecretInput control={control} name="Customer Secret" value={connection.customerSecret} onChange={(customerSecret) => edit('auth:customerSecret', { customerSecret })} />
            )}
          </FormField>
        </>
      ) : (
        <FormField id={`${idPrefix}-token`} label="Access token" required hint="An AccessToken2 (`007…`) signed with the project's App Certificate." error={errors['auth:token']}>
          {(control) => <SecretInput control={control} name="Access token" value={connection.token} onChange={(token) => edit('auth:token', { token })} />}
        </FormField>
      )}

      <label className={styles.checkbox}>
        <input type="checkbox" checked={connection.remember} onChange={(event) => updateConnection({ remember: event.target.checked })} /> Remember
        in this browser tab (sessionStorage, cleared when the tab closes)
      </label>
    </fieldset>
  );
}
