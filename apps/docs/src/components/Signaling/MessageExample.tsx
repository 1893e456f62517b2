/**
 * A signaling message's example as a JSON code block, for guide prose: the same example the
 * generated reference shows (generated/signaling.json), which the docs tests check against its schema.
 */
import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import signaling from '@site/generated/signaling.json';

export default function MessageExample({ type, title }: { type: string; title?: string }): React.JSX.Element {
  const message = signaling.messages.find((candidate) => candidate.type === type);
  if (!message) throw new Error(`No signaling message of type ${type}`);
  return (
    <CodeBlock language="json" {...(title ? { title } : {})}>
      {JSON.stringify(message.example, null, 2)}
    </CodeBlock>
  );
}
