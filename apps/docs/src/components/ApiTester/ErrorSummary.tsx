/**
 * After a send attempt with invalid inputs: says the request was not sent and lists each problem
 * as a link that moves focus to its input.
 */
import React from 'react';
import type { KeyedError } from './useRequestInputs';
import styles from './styles.module.css';

export interface ErrorSummaryProps {
  errors: KeyedError[];
  labelOf: (error: KeyedError) => string;
  inputIdOf: (error: KeyedError) => string;
}

function focus(id: string): void {
  const element = document.getElementById(id);
  element?.focus();
  element?.scrollIntoView({ block: 'center' });
}

export default function ErrorSummary({ errors, labelOf, inputIdOf }: ErrorSummaryProps): React.JSX.Element | null {
  if (errors.length === 0) return null;
  return (
    <div className={styles.errorSummary} role="alert" data-testid="tester-errors">
      <p className={styles.errorSummaryTitle}>
        Not sent: {errors.length === 1 ? 'one problem needs' : `${errors.length} problems need`} fixing first.
      </p>
      <ul>
        {errors.map((error) => (
          <li key={error.key}>
            <a
              href={`#${inputIdOf(error)}`}
              onClick={(event) => {
                event.preventDefault();
                focus(inputIdOf(error));
              }}
            >
              {labelOf(error)}
            </a>{' '}
            {error.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
