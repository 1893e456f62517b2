/**
 * HTTP surface of usage: the validated query to the service.
 */
import type { OperationHandlers } from '../http/operations.ts';
import type { UsageService } from './service.ts';

type UsageHandlers = Pick<OperationHandlers, 'getUsage'>;

export function usageHandlers(usage: UsageService): UsageHandlers {
  return {
    getUsage: ({ access, query }) => usage.getUsage(access.project.appId, query),
  };
}
