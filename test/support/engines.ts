import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';

/** A fresh, empty database for one test file: a temporary SQLite file, or a new PostgreSQL database. */
export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'undersign-test-'));
  return { engine: 'sqlite', url: join(dir, 'test.sqlite'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

let postgresReachable: Promise<boolean> | undefined;
let announced = false;

/** Whether the test PostgreSQL answers; when it does not, says so once, in one visible line. */
export function postgresAvailable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (!announced) {
        announced = true;
        console.log(`# PostgreSQL not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}): PostgreSQL tests are skipped.`);
      }
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresReachable;
}

export async function postgresDatabase(): Promise<TestDatabase> {
  const name = `undersign_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    engine: 'postgres',
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The engines to run a contract suite on: SQLite always, PostgreSQL when reachable. */
export async function testEngines(): Promise<Array<{ engine: 'sqlite' | 'postgres'; skip: boolean; create: () => Promise<TestDatabase> }>> {
  const pgUp = await postgresAvailable();
  return [
    { engine: 'sqlite', skip: false, create: async () => sqliteDatabase() },
    { engine: 'postgres', skip: !pgUp, create: postgresDatabase },
  ];
}

/** A fresh database with the migrated store over it, for a store suite's `before`; `close` (for `after`) closes the store, then drops the database. */
export interface TestStore {
  db: TestDatabase;
  store: Store;
  close(): Promise<void>;
}

export async function openTestStore(create: () => Promise<TestDatabase>): Promise<TestStore> {
  const db = await create();
  const store = await openStore(openEngine(db.url));
  return {
    db,
    store,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}
