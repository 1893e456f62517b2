/**
 * The theme's Markdown components, with tables wrapped in a scroll box a keyboard can reach. A
 * table wider than a phone scrolls sideways; a scrolling region that cannot take focus is out of
 * reach without a mouse (axe: scrollable-region-focusable), so the box takes focus and is named.
 */
import React from 'react';
import MDXComponents from '@theme-original/MDXComponents';

function Table(props: React.ComponentProps<'table'>): React.JSX.Element {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
      <table {...props} />
    </div>
  );
}

export default { ...MDXComponents, table: Table };
