/**
 * ApiMethod for an operation of the OpenAPI document, for guides: the same props the generated
 * reference page writes out (api/methodProps.ts), with the Authorization callout.
 */
import React from 'react';
import { methodProps } from '../api/methodProps';
import ApiMethod from './ApiMethod';
import { findOperation } from './ApiTester/operationIndex';
import AuthCallout from './AuthCallout';

export default function OperationMethod({ operationId }: { operationId: string }): React.JSX.Element {
  const { auth, ...props } = methodProps(findOperation(operationId));
  return <ApiMethod {...props} rightIntro={<AuthCallout auth={auth} />} />;
}
