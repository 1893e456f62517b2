/**
 * The signaling messages of one role (request, notification, reply, event) inline, each linked to
 * its section of the generated reference: prose that lists them never goes stale.
 */
import React from 'react';
import Link from '@docusaurus/Link';
import signaling from '@site/generated/signaling.json';

export default function MessageList({ role }: { role: 'request' | 'notification' | 'reply' | 'event' }): React.JSX.Element {
  const members = signaling.messages.filter((message) => message.role === role);
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
