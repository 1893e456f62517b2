/**
 * A guide's link to an operation's reference page, by operationId: the page exists only when the
 * server the docs were built from has the operation, so without it the link becomes a plain note
 * rather than a broken link.
 */
import React from 'react';
import Link from '@docusaurus/Link';
import { pageSlug } from '../api/pageSlug';
import { maybeOperation } from './ApiTester/operationIndex';

export default function OperationLink({ operationId }: { operationId: string }): React.JSX.Element {
  const operation = maybeOperation(operationId);
  if (!operation) return <em>not available in this server version</em>;
  return (
    <>
      <Link to={`/reference/${pageSlug(operation.operationId)}`}>{operation.summary}</Link> (<code>{`${operation.method} ${operation.path}`}</code>)
    </>
  );
}
