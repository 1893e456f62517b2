/**
 * Inputs for the operation's path and query parameters, generated from their schemas: a select for
 * a closed set of values, a text input otherwise. The project (`projectId`, Agora's `appid`) is
 * shared by every tester (the connection store); the others belong to this tester.
 */
import React from 'react';
import { choices } from '../../api/formValue';
import type { ApiParameter } from '../../api/types';
import FormField from './FormField';
import styles from './styles.module.css';

export interface ParameterFieldsProps {
  idPrefix: string;
  parameters: ApiParameter[];
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  onChange: (name: string, value: string) => void;
}

function ParameterInput({ parameter, value, onChange, control }: { parameter: ApiParameter; value: string; onChange: (value: string) => void; control: object }) {
  const options = choices(parameter.schema);
  if (options) {
    return (
      <select {...control} className={styles.input} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{parameter.required ? 'Choose…' : '(not set)'}</option>
        {options.map((option) => (
          <option key={option.label} value={option.label}>
            {option.label}
          </option>
        ))}
      </select>
    );
  }
  const placeholder = parameter.example !== undefined ? String(parameter.example) : undefined;
  return (
    <input
      {...control}
      className={styles.input}
      type="text"
      autoComplete="off"
      spellCheck={false}
      value={value}
      {...(placeholder ? { placeholder } : {})}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

export default function ParameterFields({ idPrefix, parameters, values, errors, onChange }: ParameterFieldsProps): React.JSX.Element | null {
  if (parameters.length === 0) return null;
  return (
    <fieldset className={styles.group}>
      <legend className={styles.legend}>Parameters</legend>
      {parameters.map((parameter) => (
        <FormField
          key={parameter.name}
          id={`${idPrefix}-${parameter.in}-${parameter.name}`}
          label={
            <>
              <code>{parameter.name}</code> <span className={styles.location}>({parameter.in})</span>
            </>
          }
          hint={parameter.description}
          required={parameter.required}
          error={errors[`${parameter.in}:${parameter.name}`]}
        >
          {(control) => <ParameterInput parameter={parameter} value={values[parameter.name] ?? ''} onChange={(value) => onChange(parameter.name, value)} control={control} />}
        </FormField>
      ))}
    </fieldset>
  );
}
