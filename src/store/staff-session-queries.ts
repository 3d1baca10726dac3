import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { User } from './records.ts';

type Db = Kysely<Database>;
const iso = (d: Date): string => d.toISOString();

/** A staff member with how many browsers are signed in as them now. */
export interface StaffMember {
  user: Pick<User, 'id' | 'email' | 'role'>;
  activeSessions: number;
  lastSignedIn: Date | null;
}

/** Records a new signed-in browser, and forgets sessions that have run out (they can never be used again). */
export async function createStaffSession(db: Db, s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }): Promise<void> {
  await db.deleteFrom('staff_sessions').where('expires_at', '<=', iso(s.now)).execute();
  await db.insertInto('staff_sessions').values({ user_id: s.userId, token_hash: s.tokenHash, created_at: iso(s.now), expires_at: iso(s.expiresAt) }).execute();
}

/** The user a live session belongs to: unknown, ended and expired sessions give nothing. */
export async function findUserByStaffSession(db: Db, tokenHash: string, now: Date): Promise<User | undefined> {
  const row = await db
    .selectFrom('staff_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.password_hash'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', iso(now))
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, name: row.name, role: row.role, passwordHash: row.password_hash };
}

export async function endStaffSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of one staff member; returns how many were live. */
export async function endStaffSessionsOf(db: Db, userId: number, now: Date): Promise<number> {
  const live = await db.selectFrom('staff_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('expires_at', '>', iso(now)).executeTakeFirst();
  await db.deleteFrom('staff_sessions').where('user_id', '=', userId).execute();
  return Number(live?.n ?? 0);
}

/** Administrators and moderators, with their live sessions, by email. */
export async function listStaff(db: Db, now: Date): Promise<StaffMember[]> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('staff_sessions as s', (join) => join.onRef('s.user_id', '=', 'u.id').on('s.expires_at', '>', iso(now)))
    .select((eb) => ['u.id', 'u.email', 'u.role', eb.fn.count<number>('s.id').as('active'), eb.fn.max('s.created_at').as('last')])
    .where('u.role', 'in', ['admin', 'moderator'])
    .groupBy(['u.id', 'u.email', 'u.role'])
    .orderBy('u.email')
    .execute();
  return rows.map((r) => ({ user: { id: r.id, email: r.email, role: r.role }, activeSessions: Number(r.active), lastSignedIn: r.last ? new Date(r.last) : null }));
}
