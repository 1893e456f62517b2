/**
 * A wrapper for the guides' long generated tables (every variable, every metric): readable on a
 * phone without scrolling sideways (see ReferenceTable.module.css).
 */
import React from 'react';
import styles from './ReferenceTable.module.css';

export interface ReferenceTableProps {
  children: React.ReactNode;
  /** The first column holds names in code (variables, metrics, fields): keep them whole and the column narrow. Default true. */
  names?: boolean;
}

export default function ReferenceTable({ children, names = true }: ReferenceTableProps): React.JSX.Element {
  return <div className={names ? `${styles.wrapper} ${styles.names}` : styles.wrapper}>{children}</div>;
}
