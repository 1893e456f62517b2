/**
 * A wrapper for the guides' long generated tables (every variable, every metric): readable on a
 * phone without scrolling sideways (see ReferenceTable.module.css).
 */
import React from 'react';
import styles from './ReferenceTable.module.css';

export default function ReferenceTable({ children }: { children: React.ReactNode }): React.JSX.Element {
  return <div className={styles.wrapper}>{children}</div>;
}
