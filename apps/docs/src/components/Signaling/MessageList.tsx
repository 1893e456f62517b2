/**
 * The signaling messages of one role (request, notification, reply, event), or the named `types`,
 * inline, each linked to its section of the generated reference: prose that lists them never goes stale.
 */
import React from 'react';
import Link from '@docusaurus/Link';
import signaling from '@site/generated/signaling.json';

type Selection = { role: 'request' | 'notification' | 'reply' | 'event'; types?: never } | { types: readonly string[]; role?: never };

export default function MessageList({ role, types }: Selection): React.JSX.Element {
  const members = signaling.messages.filter((message) => (types ? types.includes(message.type) : message.role === role));
  return (
    <>
      {members.map((message, index) => (
        <React.Fragment key={message.type}>
          {index > 0 && (index === members.length - 1 ? ' and ' : ', ')}
          <Link to={`/signaling/${message.direction}-messages#${message.type}`}>
            <code>{message.type}</code>
          </Link>
        </React.Fragment>
      ))}
    </>
  );
}
