import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';
import { canManage } from '../domain/petition.ts';
import type { Petition, User } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { hashSecret, newSecret } from '../services/tokens.ts';
import { isStaffRole, STAFF_SESSION_HOURS } from '../domain/staff.ts';

/** The sign-in cookie: "userId.expiresAtMs", signed with SESSION_SECRET, HTTP-only, SameSite=Lax. */
export const SESSION_COOKIE = 'us_session';
const SESSION_DAYS = 14;

export function startSession(reply: FastifyReply, userId: number, now: Date, secure: boolean): void {
  const expires = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  reply.setCookie(SESSION_COOKIE, `${userId}.${expires.getTime()}`, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The signed-in user, or undefined: a tampered, expired or unknown cookie counts as none. */
export async function currentUser(request: FastifyRequest, store: Store, now: Date): Promise<User | undefined> {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const match = /^(\d+)\.(\d+)$/.exec(unsigned.value);
  if (!match || Number(match[2]) <= now.getTime()) return undefined;
  return store.findUserById(Number(match[1]));
}

/** The signed-in user who may manage this petition; otherwise 401 (sign in first) or 403. */
export async function requireManager(request: FastifyRequest, store: Store, now: Date, petition: Petition): Promise<User> {
  const user = await currentUser(request, store, now);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to manage this petition.');
  if (!canManage(user, petition)) throw new AppError('FORBIDDEN', 'Only this petition’s organiser can do that.');
  return user;
}

/**
 * Staff sign in with a password to a separate, shorter session: an organiser's magic-link session
 * never opens /admin, even for an administrator's address. The cookie holds a random token sent
 * only to /admin; the database keeps its hash, so a session ends on the server when its owner signs
 * out, when an administrator ends it, or when a new password is set (decision 0023).
 */
export const STAFF_COOKIE = 'us_staff';
const STAFF_PATH = '/admin';

export async function startStaffSession(reply: FastifyReply, store: Store, user: User, now: Date, secure: boolean): Promise<void> {
  const token = newSecret();
  const expires = new Date(now.getTime() + STAFF_SESSION_HOURS * 3_600_000);
  await store.createStaffSession({ userId: user.id, tokenHash: hashSecret(token), now, expiresAt: expires });
  reply.setCookie(STAFF_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: STAFF_PATH, expires });
}

const staffToken = (request: FastifyRequest): string | undefined => {
  const raw = request.cookies[STAFF_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
};

/** Signing out ends this browser's session on the server too: a copied cookie stops working. */
export async function endStaffSession(request: FastifyRequest, reply: FastifyReply, store: Store): Promise<void> {
  const token = staffToken(request);
  if (token) await store.endStaffSession(hashSecret(token));
  reply.clearCookie(STAFF_COOKIE, { path: STAFF_PATH });
}

/** The signed-in administrator or moderator, or undefined (no, bad, ended or expired session; no longer staff). */
export async function currentStaff(request: FastifyRequest, store: Store, now: Date): Promise<User | undefined> {
  const token = staffToken(request);
  if (!token) return undefined;
  const user = await store.findUserByStaffSession(hashSecret(token), now);
  return user && isStaffRole(user.role) ? user : undefined;
}
