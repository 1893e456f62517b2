/**
 * The operations of the build's OpenAPI document (generated/operations.json, written by
 * scripts/openapi.ts), looked up by operationId.
 */
import operations from '@site/generated/operations.json';
import type { ApiOperation } from '../../api/types';

const byId = new Map((operations as unknown as ApiOperation[]).map((operation) => [operation.operationId, operation]));

/** The operation, or undefined when this server version does not have it. */
export function maybeOperation(operationId: string): ApiOperation | undefined {
  return byId.get(operationId);
}

export function findOperation(operationId: string): ApiOperation {
  const operation = byId.get(operationId);
  // A typo in MDX should fail the build, not ship an empty tester.
  if (!operation) throw new Error(`Unknown operationId "${operationId}"; known: ${[...byId.keys()].join(', ')}`);
  return operation;
}
