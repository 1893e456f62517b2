/**
 * The one logger type modules take: the part of pino's logger Parley uses (a details object, then
 * a message), so services and tests depend on four methods rather than on pino. Pino's logger and
 * its request loggers satisfy it as they are.
 */
export interface Logger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

/** A logger that says nothing: for tools and tests that only watch one level (spread it and replace that one). */
export const quietLogger: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
