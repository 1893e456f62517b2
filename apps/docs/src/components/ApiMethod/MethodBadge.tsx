/**
 * The badge beside an ApiMethod title: an HTTP method coloured by what it does (GET reads, POST
 * creates, DELETE removes), a signaling message by who sends it (CLIENT, a SERVER reply, an EVENT),
 * any other label (the seed's "OBJECT") in neutral gray.
 */
import React from 'react';
import clsx from 'clsx';
import styles from './styles.module.css';

const TONES: Record<string, string | undefined> = {
  GET: styles.badgeGet,
  POST: styles.badgePost,
  PUT: styles.badgePut,
  PATCH: styles.badgePut,
  DELETE: styles.badgeDelete,
  CLIENT: styles.badgeClient,
  SERVER: styles.badgeServer,
  EVENT: styles.badgeEvent,
};

export default function MethodBadge({ label }: { label: string }): React.JSX.Element {
  return <span className={clsx(styles.badge, TONES[label.toUpperCase()] ?? styles.badgeOther)}>{label}</span>;
}
