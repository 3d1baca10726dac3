/** Staff sign in with a password at /admin: administrators do everything, moderators review and handle reports. */
export type StaffRole = 'admin' | 'moderator';

export const isStaffRole = (role: string): role is StaffRole => role === 'admin' || role === 'moderator';

/** The audit log and the site settings are for administrators only. */
export const isAdministrator = (role: string): boolean => role === 'admin';

/** A staff session is short: a forgotten browser at a shared desk stops being an open door by the next day. */
export const STAFF_SESSION_HOURS = 12;

/** Password guessing: this many attempts per email address, and per client address, in the window. */
export const SIGN_IN_LIMIT = { attempts: 5, windowMs: 15 * 60_000 } as const;

/** Whether an attempt is refused, given how many attempts (itself included) fall in the window. */
export const overSignInLimit = (attemptsInWindow: number): boolean => attemptsInWindow > SIGN_IN_LIMIT.attempts;
