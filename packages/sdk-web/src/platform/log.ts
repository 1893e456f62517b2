/**
 * The SDK's console output, filtered by Agora's log levels (`ParleyRTC.setLogLevel`): 0 DEBUG,
 * 1 INFO, 2 WARNING, 3 ERROR, 4 NONE. Parley starts at WARNING, so a page's console shows what
 * needs attention and nothing else until asked.
 */
export const LOG_LEVELS = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, NONE: 4 } as const;

let level: number = LOG_LEVELS.WARNING;
const said = new Set<string>();

export function setLogLevel(next: number): void {
  // Agora clamps nothing and throws nothing here; an out-of-range level means "everything" or "nothing".
  level = Number.isFinite(next) ? Math.min(LOG_LEVELS.NONE, Math.max(LOG_LEVELS.DEBUG, Math.trunc(next))) : LOG_LEVELS.WARNING;
}

export function getLogLevel(): number {
  return level;
}

const PREFIX = '[ParleyRTC]';

export const log = {
  debug: (...args: unknown[]) => void (level <= LOG_LEVELS.DEBUG && console.debug(PREFIX, ...args)),
  info: (...args: unknown[]) => void (level <= LOG_LEVELS.INFO && console.info(PREFIX, ...args)),
  warn: (...args: unknown[]) => void (level <= LOG_LEVELS.WARNING && console.warn(PREFIX, ...args)),
  error: (...args: unknown[]) => void (level <= LOG_LEVELS.ERROR && console.error(PREFIX, ...args)),
  /** A warning said once per key for the page's life (a no-op called in a loop logs one line). */
  warnOnce(key: string, message: string): void {
    if (said.has(key)) return;
    said.add(key);
    log.warn(message);
  },
};
