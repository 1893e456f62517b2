/**
 * ApiCallout: a titled note with a coloured accent (blue, green, orange, red, purple, gray), as the
 * seed puts in ApiMethod's right column. A `note` role, not an <aside>: it sits inside the page's
 * main content, where a complementary landmark would be wrong.
 */
import React, { type ReactNode } from 'react';
import clsx from 'clsx';
import styles from './styles.module.css';

export type CalloutAccent = 'blue' | 'green' | 'orange' | 'red' | 'purple' | 'gray';
const ACCENTS: readonly string[] = ['blue', 'green', 'orange', 'red', 'purple', 'gray'];

export interface ApiCalloutProps {
  title?: string;
  accent?: CalloutAccent;
  children?: ReactNode;
}

export default function ApiCallout({ title, accent = 'blue', children }: ApiCalloutProps): React.JSX.Element {
  // An unknown accent (a typo in MDX) falls back to blue rather than an unstyled box.
  const tone = ACCENTS.includes(accent) ? accent : 'blue';
  return (
    <div role="note" aria-label={title} className={clsx(styles.callout, styles[tone])} data-accent={tone}>
      {title && <p className={styles.title}>{title}</p>}
      <div className={styles.body}>{children}</div>
    </div>
  );
}
