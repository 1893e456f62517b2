/**
 * The reference page of an operation: `createChannel` → `create-channel` (docs/reference/create-channel.mdx,
 * URL /docs/reference/create-channel).
 */
export function pageSlug(operationId: string): string {
  return operationId.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
