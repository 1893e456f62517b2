/** A failed change, said in the server's words, next to the form that made it. */
import { Alert } from '@mantine/core';
import type { ApiError } from '../api/client.ts';

export function ErrorText({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return <Alert color="red" variant="light" role="alert" p="xs">{error.sentence}</Alert>;
}

/** The server's reason when it refused this field, to show under the input. */
export function fieldError(error: ApiError | null, field: string): string | undefined {
  return error?.field === field ? (error.reason ?? error.message) : undefined;
}
