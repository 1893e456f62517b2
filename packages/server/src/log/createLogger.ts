/**
 * The server's one pino logger. JSON lines for log storage (production, or whenever stdout is not
 * a terminal); on a terminal, one human line per event (pino-pretty), so a person running
 * `npm start` reads "42 joined standup (web, host)" rather than objects. Credentials are redacted
 * in both.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogConfig } from '../config/index.ts';

const REDACT = ['req.headers.authorization', 'req.headers.cookie'];

export function createLogger(log: LogConfig, stdout: { isTTY?: boolean } = process.stdout): Logger {
  const options = { level: log.level, redact: REDACT };
  const human = log.format === 'pretty' || (log.format === 'auto' && stdout.isTTY === true);
  if (!human) return pino(options);
  return pino(options, pretty({ colorize: stdout.isTTY === true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname', singleLine: true, sync: true }));
}
