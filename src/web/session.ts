import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';
import { canManage } from '../domain/petition.ts';
import type { Petition, User } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { hashSecret, newSecret } from '../services/tokens.ts';
import { isStaffRole, STAFF_SESSION_HOURS } from '../domain/staff.ts';

/**
 * An organiser's sign-in, from a magic link: the cookie `us_session` holds a random token (signed with
 * SESSION_SECRET, HTTP-only, SameSite=Lax), the database its hash and expiry, so signing out ends it on
 * the server and a copied cookie stops working (decision 0030). Apart from staff sessions: it never
 * opens /admin, and it lets its user manage only their own petitions, whatever their role.
 */
export const SESSION_COOKIE = 'us_session';
export const ORGANISER_SESSION_DAYS = 14;

export async function startSession(reply: FastifyReply, store: Store, userId: number, now: Date, secure: boolean): Promise<void> {
  const token = newSecret();
  const expires = new Date(now.getTime() + ORGANISER_SESSION_DAYS * 86_400_000);
  await store.createOrganiserSession({ userId, tokenHash: hashSecret(token), now, expiresAt: expires });
  reply.setCookie(SESSION_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
}

const sessionToken = (request: FastifyRequest, name: string): string | undefined => {
  const raw = request.cookies[name];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
};

/** Signing out ends this browser's session on the server, then clears the cookie. */
export async function endSession(request: FastifyRequest, reply: FastifyReply, store: Store): Promise<void> {
  const token = sessionToken(request, SESSION_COOKIE);
  if (token) await store.endOrganiserSession(hashSecret(token));
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The signed-in user, or undefined: a tampered, unknown, ended or expired session counts as none. */
export async function currentUser(request: FastifyRequest, store: Store, now: Date): Promise<User | undefined> {
  const token = sessionToken(request, SESSION_COOKIE);
  return token ? store.findUserByOrganiserSession(hashSecret(token), now) : undefined;
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

const staffToken = (request: FastifyRequest): string | undefined => sessionToken(request, STAFF_COOKIE);

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
