import { Kysely, SqliteDialect, PostgresDialect } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema.ts';

export type EngineName = 'sqlite' | 'postgres';

export interface Engine {
  name: EngineName;
  db: Kysely<Database>;
}

// int8 (count(*), sums) arrive as strings by default; our numbers stay far below 2^53.
pg.types.setTypeParser(20, Number);

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** Picks the engine from DATABASE_URL: postgres://… for PostgreSQL, a path or file: URL for SQLite. */
export function openEngine(databaseUrl: string, options: { poolSize?: number } = {}): Engine {
  if (isPostgresUrl(databaseUrl)) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
    // An idle connection the server closes (restart, failover) is dropped from the pool and replaced;
    // unhandled, pg would raise it as an uncaught exception and stop the process.
    pool.on('error', () => {});
    return { name: 'postgres', db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }) };
  }
  const path = databaseUrl.startsWith('file:') ? new URL(databaseUrl).pathname : databaseUrl;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a signature acknowledged to the signer survives a power cut. Batching pays for the flush.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return { name: 'sqlite', db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }) };
}
