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
