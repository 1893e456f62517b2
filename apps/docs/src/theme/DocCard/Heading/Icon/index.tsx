/**
 * The icon in front of a card's title on index pages (the API reference, "Run your server").
 * Docusaurus draws emoji there (🗃, 📄, 🔗), which a machine without an emoji font shows as empty
 * boxes; these are inline SVG outlines in the text colour, so they render everywhere and follow the
 * light and dark themes.
 */
import React from 'react';
import clsx from 'clsx';
import isInternalUrl from '@docusaurus/isInternalUrl';
import type { PropSidebarItem } from '@docusaurus/plugin-content-docs';
import styles from './styles.module.css';

type IconKind = 'category' | 'page' | 'external';

/** Outline paths on a 24×24 grid, in the style of common open icon sets. */
const PATHS: Record<IconKind, string> = {
  category: 'M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z',
  page: 'M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8zM14 3v5h5M9 13h6M9 17h6',
  external: 'M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5',
};

function kindOf(item: PropSidebarItem): IconKind {
  if (item.type === 'category') return 'category';
  return item.type === 'link' && !isInternalUrl(item.href) ? 'external' : 'page';
}

export default function DocCardHeadingIcon({ item }: { item: PropSidebarItem; icon: React.ReactNode }): React.JSX.Element {
  return (
    <span className={clsx('cardIcon', styles.icon)}>
      <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <path d={PATHS[kindOf(item)]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </span>
  );
}
