/**
 * Query keys and the one QueryClient: lists are keyed by operation and input, so a change
 * invalidates exactly the lists it affects.
 */
import { QueryClient, useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { ApiError, call, type Data, type Input, type OperationId } from './client.ts';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change by asking again; a dropped connection may.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
      staleTime: 5_000,
    },
  },
});

export function useOperation<K extends OperationId>(id: K, input: Input<K>, options: Omit<UseQueryOptions<Data<K>, ApiError>, 'queryKey' | 'queryFn'> = {}) {
  return useQuery<Data<K>, ApiError>({ queryKey: [id, input], queryFn: () => call(id, input), ...options });
}

/** A change; on success the listed operations' queries refetch. */
export function useChange<K extends OperationId>(id: K, invalidates: OperationId[] = []) {
  const client = useQueryClient();
  return useMutation<Data<K>, ApiError, Input<K>>({
    mutationFn: (input) => call(id, input),
    onSuccess: async () => {
      await Promise.all(invalidates.map((key) => client.invalidateQueries({ queryKey: [key] })));
    },
  });
}
