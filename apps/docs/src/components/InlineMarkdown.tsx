/**
 * Renders the one piece of Markdown that schema descriptions use: `backticks` as inline code.
 * Everything else stays text (descriptions come from data, never from HTML).
 */
import React from 'react';

export default function InlineMarkdown({ text }: { text: string }): React.JSX.Element {
  const parts = text.split(/(`[^`]+`)/g).filter(Boolean);
  return (
    <>
      {parts.map((part, index) =>
        part.startsWith('`') && part.endsWith('`') && part.length > 1 ? <code key={index}>{part.slice(1, -1)}</code> : part,
      )}
    </>
  );
}
