import { createHmac, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { AppError, validationError } from '../domain/errors.ts';
import { canonicalEmail } from '../domain/email.ts';
import { isStaffRole, signInAttemptKeys, signInLimitsExceeded, SIGN_IN_WINDOW_MS, type SignInScope } from '../domain/staff.ts';
import type { User } from '../store/records.ts';
import { ARGON2 } from './accounts.ts';
import { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';
import { EMAIL_MAX } from '../domain/fields.ts';

/** One answer for an unknown address, an account without a password and a wrong password. */
export const SIGN_IN_FAILED = 'The email address or the password is not right.';
export const SIGN_IN_LIMITED = 'Too many attempts to sign in. Wait 15 minutes, then try again.';
const PASSWORD_MAX = 1024;

// Verified when there is no staff account to check, so an unknown address takes as long as a wrong password.
let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= hash(randomBytes(24).toString('base64'), ARGON2));

/** Attempts are counted by a keyed hash of the client address: the address itself is never stored. */
async function addressHash(ctx: ServiceContext, ip: string): Promise<string> {
  const key = await ctx.store.appSecret('staff-sign-in-key', () => randomBytes(32).toString('hex'));
  return createHmac('sha256', key).update(ip).digest('base64url').slice(0, 32);
}

/**
 * Staff sign in with email and password (argon2id). Every attempt is recorded first, by address and
 * account, by address and by account, so parallel guesses count too; past any of SIGN_IN_LIMITS in
 * the window the answer is RATE_LIMITED whatever the password. A success does not count against the
 * limits, nor does a refused attempt.
 */
export async function signInStaff(ctx: ServiceContext, raw: Record<string, unknown>, client: { ip: string }): Promise<User> {
  const f = new FieldReader(raw);
  const email = f.text('email', { label: 'Your email address', max: EMAIL_MAX, required: true });
  // The password is taken as typed: no trimming or cleaning, which would change it.
  const password = typeof raw.password === 'string' ? raw.password : '';
  if (password === '') f.addError('password', 'Enter your password.');
  else if (password.length > PASSWORD_MAX) f.addError('password', SIGN_IN_FAILED);
  if (!f.ok) throw validationError(f.errors);

  // Made on the first attempt of any kind, so that no first answer is slower than the others.
  const decoyReady = decoyHash();
  const now = ctx.clock();
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  // An address that is not one matches no account: it is still counted, and answered like a wrong password.
  const address = canonicalEmail(email).address ?? email.toLowerCase();
  const keys = signInAttemptKeys(await addressHash(ctx, client.ip), address);
  const scopes = Object.keys(keys) as SignInScope[];
  const attempt = await ctx.store.addSignInAttempts(scopes.map((scope) => keys[scope]), now, since);
  const counts = {} as Record<SignInScope, number>;
  for (const scope of scopes) counts[scope] = await ctx.store.countSignInAttempts(keys[scope], since);
  if (signInLimitsExceeded(counts).length > 0) {
    // A refused attempt is not a guess: it does not push the end of the wait further away, and
    // it does not count towards the account's limit, so one address cannot lock its owner out.
    await ctx.store.removeSignInAttempts(attempt);
    throw new AppError('RATE_LIMITED', SIGN_IN_LIMITED);
  }
  const user = await ctx.store.findUserByEmail(address);
  const staff = user && isStaffRole(user.role) && user.passwordHash ? user : undefined;
  const matches = await verify(staff?.passwordHash ?? (await decoyReady), password).catch(() => false);
  if (!staff || !matches) throw validationError({ password: SIGN_IN_FAILED });
  await ctx.store.removeSignInAttempts(attempt);
  return staff;
}
