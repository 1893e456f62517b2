/**
 * Waits on a condition instead of sleeping: polls `check` until it holds (resolving with its
 * truthy value) or `timeoutMs` passes (rejecting with `what`, so a failure says what never came).
 */
export async function waitUntil<T>(check: () => T | Promise<T>, what: string, { timeoutMs = 10_000, intervalMs = 50 } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
