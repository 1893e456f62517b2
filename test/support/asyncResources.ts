/**
 * What a synchronous piece of code leaves for later turns of the event loop: the async resources
 * it creates (PROMISE, TickObject, Timeout…), as async_hooks sees them. Used by the tests that hold
 * the media path to "no promise and no next-tick turn a packet" (test/rtc/weriftSender.test.ts,
 * packages/server/src/rtc/udpMux.test.ts).
 */
import { createHook } from 'node:async_hooks';

/** The types of the async resources `run` creates, in order. */
export function asyncResourcesCreatedBy(run: () => void): string[] {
  const types: string[] = [];
  const hook = createHook({
    init(_id, type) {
      types.push(type);
    },
  }).enable();
  try {
    run();
  } finally {
    hook.disable();
  }
  return types;
}
