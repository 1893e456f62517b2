/**
 * The body as raw JSON text. Its parse error (if any) shows under it; schema errors are listed in
 * the error summary with their paths.
 */
import React from 'react';
import FormField from './FormField';
import styles from './styles.module.css';

export interface RawJsonEditorProps {
  id: string;
  text: string;
  error: string | undefined;
  onChange: (text: string) => void;
}

export default function RawJsonEditor({ id, text, error, onChange }: RawJsonEditorProps): React.JSX.Element {
  return (
    <FormField id={id} label="Request body (JSON)" hint="Edit the JSON directly; it is checked against the same schema as the form." error={error}>
      {(control) => (
        <textarea
          {...control}
          className={styles.textarea}
          rows={Math.min(24, Math.max(6, text.split('\n').length + 1))}
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </FormField>
  );
}
