import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { User } from './records.ts';

type Db = Kysely<Database>;
const iso = (d: Date): string => d.toISOString();

/** Records a browser signed in by a magic link; the cookie holds the token, this row only its hash. */
export async function createOrganiserSession(db: Db, s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }): Promise<void> {
  await db.insertInto('organiser_sessions').values({ user_id: s.userId, token_hash: s.tokenHash, created_at: iso(s.now), expires_at: iso(s.expiresAt) }).execute();
}

/** The user a live session belongs to: unknown, ended and expired sessions give nothing. */
export async function findUserByOrganiserSession(db: Db, tokenHash: string, now: Date): Promise<User | undefined> {
  const row = await db
    .selectFrom('organiser_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.password_hash'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', iso(now))
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, name: row.name, role: row.role, passwordHash: row.password_hash };
}

export async function endOrganiserSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('organiser_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Deletes sessions that ran out before `now` (they can never be used again); returns how many. */
export async function purgeExpiredOrganiserSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('organiser_sessions').where('expires_at', '<=', iso(now)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
