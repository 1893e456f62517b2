/**
 * V8 settings a Parley server process runs with, set by startServer before anything else.
 *
 * Array buffer sweeping on the main thread: V8 frees the backing stores of dead ArrayBuffers
 * (every Buffer over 64 bytes that is not a slice of Node's pool) on a helper thread by default.
 * The server makes such buffers all the time: each datagram read, each SRTP cipher's output, each
 * HTTP read. With the frees on another thread, glibc's malloc and free take the same arena's lock
 * from two threads at once, and each collision is a futex wait and wake-up: a loop that allocates
 * 1,168-byte Uint8Arrays made 10,258 context switches and cost 3.1-3.5 µs an allocation, against
 * 40 and 0.4-0.9 µs with the frees on the main thread (2 × AMD EPYC VM, Node 24). In the SFU that
 * was a third of a forwarded packet's CPU (`npm run bench:forward`, README). Freeing on the main
 * thread puts the frees in a collection's pause; in that loop, whose scavenges free ~5,000 buffers
 * each, they did not get longer (mean 1.3 ms against 1.7 with the helper thread, --trace-gc).
 */
import v8 from 'node:v8';

/** The V8 flag, as `node` takes it on its command line. */
export const MAIN_THREAD_ARRAY_BUFFER_SWEEPING = '--no-concurrent-array-buffer-sweeping';

/** Applies the settings to this process. V8 reads this flag at each sweep, so setting it after start works. */
export function tuneProcess(): void {
  v8.setFlagsFromString(MAIN_THREAD_ARRAY_BUFFER_SWEEPING);
}
