/**
 * Which store failures mean "the store cannot write now" rather than "this request is wrong" or
 * "Parley has a bug": a full disk, an I/O error, a read-only or unreachable database. The API
 * answers them 503 (try again later), readiness reports them, and the sessions journal retries
 * writes that failed with them for as long as it takes.
 */

/** SQLite primary result codes (the low byte of an extended code). */
const SQLITE_UNAVAILABLE = new Set([
  5, // SQLITE_BUSY: another writer held the lock past busy_timeout
  8, // SQLITE_READONLY: the file or its folder became read-only
  10, // SQLITE_IOERR
  13, // SQLITE_FULL: the disk (or max_page_count) is full
  14, // SQLITE_CANTOPEN: the journal or WAL cannot be created
]);

/** PostgreSQL SQLSTATE classes and codes that say the server cannot take writes now. */
const POSTGRES_UNAVAILABLE_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources: 53100 disk_full, 53200 out_of_memory, 53300 too_many_connections
  '57', // operator intervention: 57P01 admin_shutdown, 57P03 cannot_connect_now…
  '58', // system error: 58030 io_error
]);
const POSTGRES_UNAVAILABLE_CODES = new Set(['25006']); // read_only_sql_transaction: a failover left us on a standby

/** Socket errors of a connection to PostgreSQL that is refused, lost or timed out. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** pg reports a connection that dies mid-query by message only. */
const LOST_CONNECTION = /^Connection terminated|^connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i;

export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode, message } = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') return SQLITE_UNAVAILABLE.has(errcode & 0xff);
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return POSTGRES_UNAVAILABLE_CLASSES.has(code.slice(0, 2));
  }
  return typeof message === 'string' && LOST_CONNECTION.test(message);
}
