import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { User } from './records.ts';

type Db = Kysely<Database>;
const iso = (d: Date): string => d.toISOString();

/**
 * Staff sessions (password, /admin) and organiser sessions (magic link) are kept apart, each in its
 * own table, so that no query can mistake one for the other (decision 0030); what they do is the same.
 */
export type SessionTable = 'staff_sessions' | 'organiser_sessions';

/** Records a signed-in browser; the cookie holds the token, the row only its hash. */
export async function createSession(db: Db, table: SessionTable, s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }): Promise<void> {
  await db.insertInto(table).values({ user_id: s.userId, token_hash: s.tokenHash, created_at: iso(s.now), expires_at: iso(s.expiresAt) }).execute();
}

/** The user a live session belongs to: unknown, ended and expired sessions give nothing. */
export async function findUserBySession(db: Db, table: SessionTable, tokenHash: string, now: Date): Promise<User | undefined> {
  const row = await db
    .selectFrom(table)
    .innerJoin('users as u', 'u.id', `${table}.user_id`)
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.password_hash'])
    .where(`${table}.token_hash`, '=', tokenHash)
    .where(`${table}.expires_at`, '>', iso(now))
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, name: row.name, role: row.role, passwordHash: row.password_hash };
}

export async function endSession(db: Db, table: SessionTable, tokenHash: string): Promise<void> {
  await db.deleteFrom(table).where('token_hash', '=', tokenHash).execute();
}

/** Deletes sessions that ran out before `now` (they can never be used again); returns how many. */
export async function purgeExpiredSessions(db: Db, table: SessionTable, now: Date): Promise<number> {
  const result = await db.deleteFrom(table).where('expires_at', '<=', iso(now)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
