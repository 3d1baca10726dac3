import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { User } from './records.ts';
import { createSession, endSession, findUserBySession, purgeExpiredSessions } from './session-queries.ts';

type Db = Kysely<Database>;

/** Records a browser signed in by a magic link. */
export const createOrganiserSession = (db: Db, s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }): Promise<void> =>
  createSession(db, 'organiser_sessions', s);

export const findUserByOrganiserSession = (db: Db, tokenHash: string, now: Date): Promise<User | undefined> =>
  findUserBySession(db, 'organiser_sessions', tokenHash, now);

export const endOrganiserSession = (db: Db, tokenHash: string): Promise<void> => endSession(db, 'organiser_sessions', tokenHash);

export const purgeExpiredOrganiserSessions = (db: Db, now: Date): Promise<number> => purgeExpiredSessions(db, 'organiser_sessions', now);
