import { hash } from '@node-rs/argon2';
import type { Store } from '../store/store.ts';
import type { User } from '../store/records.ts';
import { canonicalEmail, EMAIL_PROBLEM_MESSAGES } from '../domain/email.ts';
import { hashSecret, newSecret } from './tokens.ts';

/** argon2id with OWASP's minimum parameters (19 MiB, 2 passes). */
export const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function createAdmin(store: Store, rawEmail: string, password: string, now: Date): Promise<User> {
  return createStaff(store, rawEmail, password, now, 'admin');
}

/** A moderator reviews petitions and handles reports; the audit log and site settings are for administrators. */
export async function createModerator(store: Store, rawEmail: string, password: string, now: Date): Promise<User> {
  return createStaff(store, rawEmail, password, now, 'moderator');
}

async function createStaff(store: Store, rawEmail: string, password: string, now: Date, role: 'admin' | 'moderator'): Promise<User> {
  const { address: email, problem } = canonicalEmail(rawEmail);
  if (problem) throw new Error(EMAIL_PROBLEM_MESSAGES[problem]);
  if (password.length < 12) throw new Error('The password must be at least 12 characters.');
  const user = await store.upsertUser({ email, role, passwordHash: await hash(password, ARGON2), now });
  // A new password is the answer to a leaked one: every browser signed in with the old one is signed out.
  await store.endStaffSessionsOf(user.id, now);
  return user;
}

/** Returns the token once; only its hash is stored. */
export async function createToken(store: Store, rawEmail: string, name: string, now: Date): Promise<string> {
  const user = await store.findUserByEmail(canonicalEmail(rawEmail).address ?? rawEmail);
  if (!user) throw new Error(`No user with the email ${rawEmail}. Create one first (undersign create-admin).`);
  const token = `us_${newSecret()}`;
  await store.createApiToken({ userId: user.id, name, tokenHash: hashSecret(token), now });
  return token;
}

export async function userForToken(store: Store, token: string): Promise<User | undefined> {
  return store.findUserByTokenHash(hashSecret(token));
}
