/**
 * ISO-8601 times from query strings, as unix milliseconds. The schema has checked the format;
 * this also refuses what the schema passes but a Date cannot hold (a leap second, year 275760+).
 */
import { DomainError } from '../domainError.ts';

export function parseIsoTime(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new DomainError('invalid_parameter', `${field} must be an ISO-8601 date-time such as 2026-01-15T09:30:00Z`, field);
  return ms;
}

/** `to` must come after `from`: an empty or reversed range is a mistake, not an empty answer. */
export function checkRangeOrder(from: number, to: number): void {
  if (to <= from) throw new DomainError('invalid_parameter', 'to must be after from', 'to');
}
