/**
 * The request body, edited as a form or as raw JSON (one value behind both). Switching to the form
 * needs JSON that parses; the form cannot show text that is not JSON.
 */
import React from 'react';
import type { JsonSchema } from '../../api/types';
import RawJsonEditor from './RawJsonEditor';
import SchemaForm from './SchemaForm';
import type { BodyMode } from './useRequestInputs';
import styles from './styles.module.css';

export interface BodyEditorProps {
  idPrefix: string;
  schema: JsonSchema;
  mode: BodyMode;
  value: unknown;
  rawText: string;
  errors: Record<string, string | undefined>;
  onModeChange: (mode: BodyMode) => void;
  onFieldChange: (path: string[], next: unknown) => void;
  onRawChange: (text: string) => void;
}

const MODES: Array<{ mode: BodyMode; label: string }> = [
  { mode: 'form', label: 'Form' },
  { mode: 'json', label: 'JSON' },
];

export default function BodyEditor(props: BodyEditorProps): React.JSX.Element {
  const { idPrefix, mode } = props;
  return (
    <fieldset className={styles.group}>
      <legend className={styles.legend}>Body</legend>
      <div className={styles.modeSwitch} role="group" aria-label="Edit the body as">
        {MODES.map((option) => (
          <button
            key={option.mode}
            type="button"
            className={styles.modeButton}
            aria-pressed={mode === option.mode}
            onClick={() => props.onModeChange(option.mode)}
          >
            {option.label}
          </button>
        ))}
      </div>
      {mode === 'form' ? (
        <SchemaForm idPrefix={idPrefix} schema={props.schema} value={props.value} errors={props.errors} onChange={props.onFieldChange} />
      ) : (
        <RawJsonEditor id={`${idPrefix}-body-json`} text={props.rawText} error={props.errors['body:']} onChange={props.onRawChange} />
      )}
    </fieldset>
  );
}
