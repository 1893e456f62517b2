/**
 * The hostile values the abuse suite sends, and a seeded generator, so every run sends the same
 * requests (a failure reproduces) while the lists stay easy to extend.
 */

/** mulberry32: a tiny seeded PRNG; Math.random cannot be seeded. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` items of `items`, picked without repeats in an order fixed by `random`. */
export function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/** Control characters, a lone surrogate's replacement, bidi overrides and a NUL. */
export const CONTROL_STRING = '\u0000\u0001\u0007\b\t\n\r\u001b[31m\u007f\u202e\u2028\ufeff';

/** About 1 MB of text: stays under the 1 MiB body limit once wrapped in JSON, so validation must refuse it. */
export const HUGE_STRING = 'A'.repeat(1_000_000);

/** Path segments as sent on the wire (already percent-encoded where that is the point). */
export const HOSTILE_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%2f..%2f',
  '..%5c..%5c',
  '%2F',
  '%00',
  'a%00b',
  '%0d%0aSet-Cookie:%20x=1',
  '__proto__',
  'constructor',
  'prototype',
  '%E0%A4%A',
  'x'.repeat(300),
  '%F0%9F%92%A9',
  '%20',
  '-1',
  '1e309',
];

/** Query values of the wrong kind. */
export const HOSTILE_QUERY_VALUES = ['abc', '-1', '1e309', '0x10', '[]', '{}', 'null', 'true', CONTROL_STRING, 'q'.repeat(8000), '../../etc/passwd'];

/** JSON values of every kind, to put where a field of another kind belongs. */
export const WRONG_VALUES: unknown[] = [0, -1, 1.5, 1e308, '', 'text', true, null, [], {}, [1, 'a'], { nested: { deeper: [null] } }, CONTROL_STRING];

/** Whole bodies that are not the object an operation wants, as raw text. */
export const HOSTILE_BODIES = ['[]', '"text"', '0', 'null', 'true', '{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"polluted": true}}}', '{"a":', '\u0000'];
