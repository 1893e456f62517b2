/**
 * A labelled form control with its hint and inline error, wired for assistive technology: the
 * label names the control, `aria-describedby` reads the hint and error, `aria-invalid` flags it.
 */
import React, { type ReactNode } from 'react';
import InlineMarkdown from '../InlineMarkdown';
import styles from './styles.module.css';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'aria-required'?: boolean;
}

export interface FormFieldProps {
  id: string;
  label: ReactNode;
  hint?: string;
  required?: boolean;
  error?: string;
  children: (control: ControlProps) => ReactNode;
}

export default function FormField({ id, label, hint, required, error, children }: FormFieldProps): React.JSX.Element {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={styles.field}>
      <label htmlFor={id} className={styles.label}>
        {label}
        {required && <span className={styles.requiredMark}> (required)</span>}
      </label>
      {children({
        id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
        ...(required ? { 'aria-required': true } : {}),
      })}
      {hint && (
        <p id={`${id}-hint`} className={styles.hint}>
          <InlineMarkdown text={hint} />
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className={styles.error} data-field-error="">
          {error}
        </p>
      )}
    </div>
  );
}
