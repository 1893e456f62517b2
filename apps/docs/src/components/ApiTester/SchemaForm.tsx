/**
 * The JSON body as a form generated from its schema, to any depth: a fieldset per object, a select
 * for enums and literal unions and booleans, a number or text input for scalars, and a JSON input
 * for anything else (arrays). Empty inputs are "not set"; errors appear next to their input.
 */
import React from 'react';
import { choices, getAtPath, inputKind, jsonFromText, numberFromText } from '../../api/formValue';
import { schemaType } from '../../api/schemaType';
import type { JsonSchema } from '../../api/types';
import InlineMarkdown from '../InlineMarkdown';
import FormField, { type ControlProps } from './FormField';
import styles from './styles.module.css';

export interface SchemaFormProps {
  idPrefix: string;
  schema: JsonSchema;
  value: unknown;
  errors: Record<string, string | undefined>;
  onChange: (path: string[], next: unknown) => void;
}

interface PropertyProps extends SchemaFormProps {
  path: string[];
  required: boolean;
}

function textOf(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Control({ schema, value, control, onChange, required }: { schema: JsonSchema; value: unknown; control: ControlProps; onChange: (next: unknown) => void; required: boolean }) {
  const kind = inputKind(schema);
  const options = kind === 'boolean' ? [{ label: 'true', value: true }, { label: 'false', value: false }] : choices(schema);
  if (options) {
    const selected = options.findIndex((option) => option.value === value);
    return (
      <select {...control} className={styles.input} value={selected < 0 ? '' : String(selected)} onChange={(event) => onChange(event.target.value === '' ? undefined : options[Number(event.target.value)]?.value)}>
        <option value="">{required ? 'Choose…' : '(not set)'}</option>
        {options.map((option, index) => (
          <option key={option.label} value={String(index)}>
            {option.label}
          </option>
        ))}
      </select>
    );
  }
  const parse = kind === 'number' ? numberFromText : kind === 'json' ? jsonFromText : (text: string) => (text === '' ? undefined : text);
  return (
    <input
      {...control}
      className={styles.input}
      type="text"
      inputMode={kind === 'number' ? 'numeric' : 'text'}
      autoComplete="off"
      spellCheck={false}
      value={textOf(value)}
      onChange={(event) => onChange(parse(event.target.value))}
    />
  );
}

function Property(props: PropertyProps): React.JSX.Element {
  const { idPrefix, schema, path, required, errors, onChange } = props;
  const name = path[path.length - 1] ?? '';
  const key = path.join('.');
  const id = `${idPrefix}-body-${key}`;
  if (schema.properties) {
    return (
      <fieldset className={styles.nestedGroup} aria-describedby={schema.description ? `${id}-hint` : undefined}>
        <legend className={styles.label}>
          <code>{name}</code> <span className={styles.location}>{required ? '(required object)' : '(optional object)'}</span>
        </legend>
        {schema.description && (
          <p id={`${id}-hint`} className={styles.hint}>
            <InlineMarkdown text={schema.description} />
          </p>
        )}
        <Properties {...props} />
      </fieldset>
    );
  }
  return (
    <FormField
      id={id}
      label={
        <>
          <code>{name}</code> <span className={styles.location}>{schemaType(schema)}{inputKind(schema) === 'json' ? ', as JSON' : ''}</span>
        </>
      }
      {...(schema.description ? { hint: schema.description } : {})}
      required={required}
      error={errors[`body:${key}`]}
    >
      {(control) => <Control schema={schema} value={getAtPath(props.value, path)} control={control} required={required} onChange={(next) => onChange(path, next)} />}
    </FormField>
  );
}

function Properties(props: SchemaFormProps & { path: string[] }): React.JSX.Element {
  const required = new Set(props.schema.required ?? []);
  return (
    <>
      {Object.entries(props.schema.properties ?? {}).map(([name, schema]) => (
        <Property key={name} {...props} schema={schema} path={[...props.path, name]} required={required.has(name)} />
      ))}
    </>
  );
}

export default function SchemaForm(props: SchemaFormProps): React.JSX.Element {
  return <Properties {...props} path={[]} />;
}
