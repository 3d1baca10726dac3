/**
 * Whether an error means the database could not be reached or went away (a restart, a failover, a
 * network cut), as opposed to a query that failed. Such errors are temporary: work is kept and
 * retried, and requests are answered 503 with Retry-After, never 500 (issue 20).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Wrapped (a migration that could not start): the cause decides.
  if (error.cause instanceof Error && isDatabaseUnavailable(error.cause)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE class 08 (connection exception); 57P01-03: the server is shutting down, crashed or
    // starting; 53300: too many connections.
    if (/^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
    if (NETWORK_CODES.has(code)) return true;
  }
  // node-postgres raises these as plain errors, with no code.
  return PG_CONNECTION_MESSAGES.some((m) => error.message.includes(m));
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Connection ended unexpectedly',
];

/**
 * What a storage fault is: the disk is full, or the file system refuses writes (mounted read-only,
 * turned read-only after a disk error, or failing them). Reads still work, so only writes are
 * refused: answered 503 STORAGE_FULL with Retry-After, never 500, until an operator makes room.
 */
export type StorageFault = 'full' | 'unwritable';

/** The storage fault an error means, or null when it is not one (issue 20, the full-disk row). */
export function storageFault(error: unknown): StorageFault | null {
  if (!(error instanceof Error)) return null;
  if (error.cause instanceof Error) {
    const cause = storageFault(error.cause);
    if (cause) return cause;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  // better-sqlite3 names SQLite's extended result codes. SQLite turns ENOSPC into SQLITE_FULL; a write
  // refused otherwise (EROFS on a file system gone read-only, EIO) is SQLITE_IOERR_WRITE or a sibling.
  // PostgreSQL: 53100 disk_full; 25006 read_only_sql_transaction (a standby, or a read-only switch).
  if (code === 'SQLITE_FULL' || code === '53100') return 'full';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || SQLITE_WRITE_IOERRS.has(code) || code === '25006') return 'unwritable';
  return null;
}

export const isStorageFull = (error: unknown): boolean => storageFault(error) !== null;

const SQLITE_WRITE_IOERRS = new Set(['SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_DIR_FSYNC', 'SQLITE_IOERR_TRUNCATE', 'SQLITE_IOERR_SHMSIZE']);
