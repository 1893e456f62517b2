/**
 * The inputs of one tester and what is wrong with them: parameter values, the body (as a value and
 * as raw JSON text), which fields the reader has touched, and whether a send was attempted. Errors
 * come from the operation's schemas (api/validation.ts) plus the connection's own checks; each is
 * shown once its field was touched, or all of them after a send attempt.
 */
import { useMemo, useState } from 'react';
import { pruneEmpty, setAtPath } from '../../api/formValue';
import { sampleValue } from '../../api/sampleValue';
import type { ApiOperation } from '../../api/types';
import { createValidator, type FieldError } from '../../api/validation';
import { updateConnection, type Connection } from './connectionStore';

export type BodyMode = 'form' | 'json';

/** An error with the key its input shows it under: `body:clientRequest.resourceExpiredHour`, `auth:customerId`. */
export interface KeyedError extends Omit<FieldError, 'part'> {
  part: FieldError['part'] | 'server' | 'auth';
  key: string;
}

const AUTH_LABELS: Record<string, string> = { customerId: 'Customer ID', customerSecret: 'Customer Secret', token: 'Access token' };

/** What an error is about, in words: `Server URL`, `Customer ID`, `clientRequest.resourceExpiredHour`. */
export function fieldLabel(error: Pick<KeyedError, 'part' | 'field'>): string {
  if (error.part === 'server') return 'Server URL';
  if (error.part === 'auth') return AUTH_LABELS[error.field] ?? error.field;
  return error.field || 'Body';
}

/**
 * Parameters that name the project, entered once in the shared connection: Parley's `projectId`
 * and Agora's `appid` (the same value, as Agora's routes call it).
 */
export const PROJECT_PARAMETERS: ReadonlySet<string> = new Set(['projectId', 'appid']);

function initialValues(operation: ApiOperation): Record<string, string> {
  const values: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    // Path parameters other than the project start from their example, so the first send works.
    if (parameter.in === 'path' && !PROJECT_PARAMETERS.has(parameter.name) && parameter.example !== undefined) values[parameter.name] = String(parameter.example);
    if (parameter.required && parameter.in === 'query') values[parameter.name] = String(parameter.example ?? sampleValue(parameter.schema));
  }
  return values;
}

function initialBody(operation: ApiOperation): unknown {
  if (!operation.body) return undefined;
  return pruneEmpty(operation.body.example ?? operation.body.schema.examples?.[0] ?? {}, operation.body.schema);
}

function connectionErrors(connection: Connection, serverUrl: string, authMode: Connection['authMode']): KeyedError[] {
  const errors: KeyedError[] = [];
  const add = (part: 'server' | 'auth', field: string, message: string) => errors.push({ part, field, message, key: `${part}:${field}` });
  let url: URL | undefined;
  try {
    url = new URL(serverUrl);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) add('server', 'url', 'must be an http:// or https:// URL');
  if (authMode === 'basic') {
    if (connection.customerId.trim() === '') add('auth', 'customerId', 'is required');
    if (connection.customerSecret === '') add('auth', 'customerSecret', 'is required');
  } else if (connection.token.trim() === '') {
    add('auth', 'token', 'is required');
  }
  return errors;
}

export function useRequestInputs(operation: ApiOperation, connection: Connection, serverUrl: string, authMode: Connection['authMode']) {
  const validate = useMemo(() => createValidator(operation), [operation]);
  const [localValues, setLocalValues] = useState(() => initialValues(operation));
  const [body, setBody] = useState<unknown>(() => initialBody(operation));
  const [bodyMode, setBodyMode] = useState<BodyMode>('form');
  const [rawText, setRawText] = useState(() => JSON.stringify(initialBody(operation) ?? {}, null, 2));
  const [rawError, setRawError] = useState<string | undefined>();
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);

  const values = useMemo(() => {
    const shared = operation.parameters.filter((p) => PROJECT_PARAMETERS.has(p.name)).map((p) => [p.name, connection.projectId]);
    return { ...localValues, ...Object.fromEntries(shared) };
  }, [operation.parameters, localValues, connection.projectId]);
  const touch = (key: string) => setTouched((previous) => (previous.has(key) ? previous : new Set(previous).add(key)));

  const errors: KeyedError[] = useMemo(() => {
    const schemaErrors = validate({ values, body }).map((e) => ({ ...e, key: `${e.part}:${e.field}` }));
    const rawErrors: KeyedError[] = rawError && bodyMode === 'json' ? [{ part: 'body', field: '', message: rawError, key: 'body:' }] : [];
    return [...connectionErrors(connection, serverUrl, authMode), ...rawErrors, ...schemaErrors];
  }, [validate, values, body, rawError, bodyMode, connection, serverUrl, authMode]);

  // Inline messages: after a send attempt all of them, before it only for fields already edited.
  const shown: Record<string, string | undefined> = {};
  // Worded as the server words its reasons: "channel has characters that are not allowed: …".
  for (const error of errors) if (attempted || touched.has(error.key)) shown[error.key] ??= `${fieldLabel(error)} ${error.message}`;
  // The JSON editor is one input for the whole body: it shows the first body error once edited.
  const bodyError = errors.find((error) => error.part === 'body');
  if (bodyMode === 'json' && bodyError && (attempted || touched.has('body:'))) shown['body:'] = `${fieldLabel(bodyError)} ${bodyError.message}`;

  return {
    values,
    body,
    bodyMode,
    rawText,
    errors,
    shown,
    attempted,
    touch,
    setAttempted,
    setParameter(name: string, value: string, location: string) {
      touch(`${location}:${name}`);
      // The project is the same for every tester on the site: entered once, in the shared connection.
      if (PROJECT_PARAMETERS.has(name)) updateConnection({ projectId: value });
      else setLocalValues((previous) => ({ ...previous, [name]: value }));
    },
    setBodyField(path: string[], next: unknown) {
      touch(`body:${path.join('.')}`);
      const updated = setAtPath(body, path, next, operation.body?.schema ?? {});
      setBody(updated);
      setRawText(JSON.stringify(updated, null, 2));
    },
    setRaw(text: string) {
      touch('body:');
      setRawText(text);
      try {
        setBody(JSON.parse(text));
        setRawError(undefined);
      } catch (error) {
        setRawError(`is not valid JSON: ${(error as Error).message}`);
      }
    },
    /** Switches between form and JSON; returns false when the JSON does not parse (the form cannot show it). */
    setMode(mode: BodyMode): boolean {
      if (mode === 'form' && rawError) return false;
      setBodyMode(mode);
      return true;
    },
  };
}
