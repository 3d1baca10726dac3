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
