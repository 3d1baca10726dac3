/** Staff sign in with a password at /admin: administrators do everything, moderators review and handle reports. */
export type StaffRole = 'admin' | 'moderator';

export const isStaffRole = (role: string): role is StaffRole => role === 'admin' || role === 'moderator';

/** The audit log and the site settings are for administrators only. */
export const isAdministrator = (role: string): boolean => role === 'admin';

/** A staff session is short: a forgotten browser at a shared desk stops being an open door by the next day. */
export const STAFF_SESSION_HOURS = 12;

/**
 * Password guessing is counted three ways in a 15-minute window (decision 0030). One client address
 * has 5 tries at one account and 20 in all; an account takes 100 tries from everywhere together.
 * A refused attempt is not counted, so one address adds at most 5 to an account's count: no single
 * address (nor any handful) can lock the owner out, who still signs in from their own address,
 * while a guesser spread over many addresses is held to 100 guesses per account per window.
 */
export type SignInScope = 'addressAndAccount' | 'address' | 'account';

export const SIGN_IN_WINDOW_MS = 15 * 60_000;

export const SIGN_IN_LIMITS: Readonly<Record<SignInScope, number>> = { addressAndAccount: 5, address: 20, account: 100 };

/** The keys one attempt is counted under: the client address only as its keyed hash, the account as its address. */
export const signInAttemptKeys = (addressHash: string, account: string): Record<SignInScope, string> => ({
  addressAndAccount: `ip-email:${addressHash}:${account}`,
  address: `ip:${addressHash}`,
  account: `email:${account}`,
});

/** The scopes whose limit an attempt goes over, given the attempts in the window (itself included): refused if any. */
export const signInLimitsExceeded = (attemptsInWindow: Readonly<Record<SignInScope, number>>): SignInScope[] =>
  (Object.keys(SIGN_IN_LIMITS) as SignInScope[]).filter((scope) => attemptsInWindow[scope] > SIGN_IN_LIMITS[scope]);
