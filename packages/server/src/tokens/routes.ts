/**
 * HTTP surface of tokens.
 */
import type { OperationHandlers } from '../http/operations.ts';
import type { TokenService } from './service.ts';

export function tokenHandlers(tokens: TokenService): Pick<OperationHandlers, 'createToken'> {
  return {
    createToken: ({ access, body }) => tokens.createToken(access.project.appId, body),
  };
}
