import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, PostgresDialect, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema.ts';

export type EngineName = 'sqlite' | 'postgres';

export interface Engine {
  name: EngineName;
  db: Kysely<Database>;
  /** The SQLite file, for a second connection (the signing writer thread); null on PostgreSQL. */
  sqlitePath: string | null;
}

/**
 * SQLite transactions that take the write lock when they begin. A deferred one that reads and then
 * writes fails at once (SQLITE_BUSY, without waiting) if another connection committed in between;
 * with the signing writer on its own connection, that would be every busy minute.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SqliteDatabase.Database,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // Still in one here means a ROLLBACK failed earlier: end it, or every transaction after it would be refused.
    if (this.sqlite.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY,
   * SQLITE_NOMEM: https://sqlite.org/lang_transaction.html), and a ROLLBACK after that fails with
   * "cannot rollback - no transaction is active", which Kysely throws in place of the error that
   * caused it: a full disk was answered 500 and logged once per request (issue 20). Nothing is half
   * written either way: SQLite has undone it all.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqliteConfig: SqliteDialectConfig,
    private readonly sqlite: SqliteDatabase.Database,
  ) {
    super(sqliteConfig);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqliteConfig, this.sqlite);
  }
}

/** Opens one SQLite connection with the settings every connection must share. */
export function openSqlite(path: string): Kysely<Database> {
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a signature acknowledged to the signer survives a power cut. Batching pays for the flush.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, sqlite) });
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query it runs; better-sqlite3 statements can be reused, and preparing one
 * (parsing and planning the SQL) cost more than running it on the signing writer's hot path. Safe
 * because Kysely runs one query at a time on a SQLite connection, so a cached statement is never
 * still iterating when it is handed out again.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): { prepare(sql: string): SqliteDatabase.Statement; close(): void } {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement) {
        // Most recently used last, so the oldest is the one evicted.
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
    close: () => sqlite.close(),
  };
}

// int8 (count(*), sums) arrive as strings by default; our numbers stay far below 2^53.
pg.types.setTypeParser(20, Number);

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** Picks the engine from DATABASE_URL: postgres://… for PostgreSQL, a path or file: URL for SQLite. */
export function openEngine(databaseUrl: string, options: { poolSize?: number } = {}): Engine {
  if (isPostgresUrl(databaseUrl)) {
    // A connection that cannot be made in 5 s fails (pg's default is to wait for ever), so a request
    // during an outage is answered 503 rather than held open.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    // A connection the server closes (restart, failover) is dropped from the pool and replaced;
    // unhandled, pg raises it as an uncaught 'error' event and stops the process. The pool listens
    // only while a client is idle, so every client gets its own listener too: a client checked out
    // when the server goes (57P01) errors its query, which the caller sees and retries.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    return { name: 'postgres', db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), sqlitePath: null };
  }
  const path = databaseUrl.startsWith('file:') ? new URL(databaseUrl).pathname : databaseUrl;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return { name: 'sqlite', db: openSqlite(path), sqlitePath: path === ':memory:' ? null : path };
}
