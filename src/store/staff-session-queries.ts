import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { User } from './records.ts';
import { createSession, endSession, findUserBySession, purgeExpiredSessions } from './session-queries.ts';

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
  await purgeExpiredSessions(db, 'staff_sessions', s.now);
  await createSession(db, 'staff_sessions', s);
}

export const findUserByStaffSession = (db: Db, tokenHash: string, now: Date): Promise<User | undefined> => findUserBySession(db, 'staff_sessions', tokenHash, now);

export const endStaffSession = (db: Db, tokenHash: string): Promise<void> => endSession(db, 'staff_sessions', tokenHash);

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
