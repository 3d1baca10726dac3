/** Retry rules for outgoing mail: pure, so the worker's behaviour is testable at a fixed clock. */
export const MAX_MAIL_ATTEMPTS = 10;

/** Exponential backoff: 30 s, 1 min, 2 min … capped at 1 hour. */
export const retryDelayMs = (attempts: number): number => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/** SMTP 5xx replies are permanent (bad address, refused); everything else may pass on a retry. */
export const isPermanentMailFailure = (responseCode: number | undefined): boolean =>
  responseCode !== undefined && responseCode >= 500 && responseCode < 600;

export type MailFailureDecision = { kind: 'retry'; at: Date } | { kind: 'give-up' };

export const afterMailFailure = (attempts: number, responseCode: number | undefined, now: Date): MailFailureDecision =>
  isPermanentMailFailure(responseCode) || attempts >= MAX_MAIL_ATTEMPTS
    ? { kind: 'give-up' }
    : { kind: 'retry', at: new Date(now.getTime() + retryDelayMs(attempts)) };

/**
 * Mail waits in one of two lanes. `priority` holds what a person is waiting for right now (a
 * confirmation link, a sign-in link, a moderator's decision); `bulk` holds updates to many
 * signers, which must never hold up a new signer's link.
 */
export type MailLane = 'priority' | 'bulk';
export const MAIL_LANES: readonly MailLane[] = ['priority', 'bulk'];

const BULK_KINDS: ReadonlySet<string> = new Set(['petition-update', 'petition-victory']);
export const laneOf = (kind: string): MailLane => (BULK_KINDS.has(kind) ? 'bulk' : 'priority');

/**
 * Kinds that anyone can make us send to any address by typing it into a form: these count against
 * the address's daily cap, so that nobody can use the site to flood an inbox.
 */
const CAPPED_KINDS: ReadonlySet<string> = new Set(['confirm-signature', 'already-signed', 'sign-in', 'verify-petition']);
export const isCappedKind = (kind: string): boolean => CAPPED_KINDS.has(kind);

/** Mails of the capped kinds one address receives per UTC day; after that its mail is dropped. */
export const DAILY_MAILS_PER_ADDRESS = 20;
/** Confirmation and "already signed" mails one signature (one address on one petition) can cause. */
export const CONFIRMATION_MAILS_PER_SIGNATURE = 2;

/** Why a mail was given up without being sent. */
export type MailDropReason = 'refused' | 'attempts' | 'daily-cap';
