/** Retry rules for outgoing mail: pure, so the worker's behaviour is testable at a fixed clock. */
export const MAX_MAIL_ATTEMPTS = 10;

/** Exponential backoff: 30 s, 1 min, 2 min … capped at 1 hour. */
export const retryDelayMs = (attempts: number): number => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/** SMTP 5xx replies are permanent (bad address, refused); everything else may pass on a retry. */
export const isPermanentMailFailure = (responseCode: number | undefined): boolean =>
  responseCode !== undefined && responseCode >= 500 && responseCode < 600;

/**
 * Where a delivery failed. `relay`: the mail server itself could not take mail (refused or dropped
 * connections, timeouts, a bad login, a refused sender): nothing is wrong with this message, so it
 * must not use up the message's tries. `message`: the server answered about this message or its
 * recipient.
 */
export type MailFailureStage = 'relay' | 'message';

export type MailFailureDecision =
  | { kind: 'relay-down' }
  | { kind: 'retry'; at: Date }
  | { kind: 'give-up'; reason: MailDropReason };

/** 421 is the relay closing the session ("service not available"), whatever the command. */
const RELAY_UNAVAILABLE = 421;

export function afterMailFailure(attempts: number, responseCode: number | undefined, now: Date, stage: MailFailureStage = 'message'): MailFailureDecision {
  if (stage === 'relay' || responseCode === RELAY_UNAVAILABLE) return { kind: 'relay-down' };
  if (isPermanentMailFailure(responseCode)) return { kind: 'give-up', reason: 'refused' };
  if (attempts >= MAX_MAIL_ATTEMPTS) return { kind: 'give-up', reason: 'attempts' };
  return { kind: 'retry', at: new Date(now.getTime() + retryDelayMs(attempts)) };
}

/** A relay that failed is left alone for a while, doubling from a second to a minute. */
export const relayPauseMs = (consecutiveFailures: number): number => Math.min(1000 * 2 ** Math.max(0, consecutiveFailures - 1), 60_000);

/** The share of delivery that bulk mail keeps while priority mail waits: it slows, never stops. */
export const BULK_SHARE = 0.1;

/**
 * How many of `free` delivery slots bulk mail may take now. Its share of small claims is carried
 * over as credit, so that claims of one or two mails still give bulk its tenth over time.
 */
export function bulkShare(free: number, credit: number): { bulkAtLeast: number; credit: number } {
  const total = Math.min(credit + free * BULK_SHARE, Math.max(1, free));
  const bulkAtLeast = Math.min(free, Math.floor(total));
  return { bulkAtLeast, credit: total - bulkAtLeast };
}

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

/** Why a mail was given up without being sent. (Mail over the daily cap is never queued at all.) */
export type MailDropReason = 'refused' | 'attempts';
