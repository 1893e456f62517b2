/**
 * A masked input (type=password) with a button that shows or hides what was typed. Autocomplete is
 * off: these are API secrets, not the reader's login, and browsers should not offer to store them.
 */
import React, { useState } from 'react';
import type { ControlProps } from './FormField';
import styles from './styles.module.css';

export interface SecretInputProps {
  control: ControlProps;
  name: string;
  value: string;
  onChange: (value: string) => void;
}

export default function SecretInput({ control, name, value, onChange }: SecretInputProps): React.JSX.Element {
  const [visible, setVisible] = useState(false);
  return (
    <div className={styles.secret}>
      <input
        {...control}
        className={styles.input}
        type={visible ? 'text' : 'password'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <button type="button" className={styles.smallButton} aria-pressed={visible} aria-label={`Show ${name}`} onClick={() => setVisible(!visible)}>
        {visible ? 'Hide' : 'Show'}
      </button>
    </div>
  );
}
