/**
 * The Authorization callout of an operation's ApiMethod, worded as the seed's: which credentials
 * the endpoint takes, from the operation's OpenAPI security.
 */
import React from 'react';
import type { AuthScheme } from '../api/types';
import ApiCallout from './ApiCallout';

export default function AuthCallout({ auth }: { auth: AuthScheme[] }): React.JSX.Element {
  const basic = auth.includes('basic');
  const bearer = auth.includes('bearer');
  return (
    <ApiCallout title="Authorization" accent="blue">
      {basic && (
        <>
          This endpoint requires <strong>Basic Auth</strong>. Use your <code>Customer ID</code> as the username and{' '}
          <code>Customer Secret</code> as the password.
        </>
      )}
      {basic && bearer && ' '}
      {bearer && (
        <>
          {basic ? 'It also takes' : 'This endpoint takes'} a <strong>Bearer</strong> access token signed with the
          project&apos;s App Certificate, which may only read the channel it names.
        </>
      )}
      {!basic && !bearer && 'This endpoint needs no credentials.'}
    </ApiCallout>
  );
}
