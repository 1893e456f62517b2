/**
 * ApiTester: the live "Try it" panel of one operation of the build's OpenAPI document, by its
 * operationId (`<ApiTester operationId="createChannel" />`).
 */
import React from 'react';
import { findOperation } from './operationIndex';
import Tester from './Tester';

export default function ApiTester({ operationId }: { operationId: string }): React.JSX.Element {
  return <Tester operation={findOperation(operationId)} />;
}
