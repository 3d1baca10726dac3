/** Stable error codes for expected failures; web/error-map.ts maps them to HTTP statuses and messages. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_BODY'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PETITION_CLOSED'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'CROSS_SITE_POST'
  // this process is too busy to answer in time (web/load-shedding.ts): 503 with Retry-After, before any work
  | 'OVERLOADED'
  // kill switches (services/site-settings.ts): answered 503 while an administrator has paused them
  | 'SIGNING_PAUSED'
  | 'STARTING_PAUSED'
  // the database is away for a moment (a restart, a failover): answered 503 with Retry-After
  | 'UNAVAILABLE'
  // the database's disk is full or refuses writes (read-only): writes answered 503 with Retry-After
  | 'STORAGE_FULL';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationError = (fields: Record<string, string>): AppError =>
  new AppError('VALIDATION_FAILED', 'Some fields need correcting.', fields);

/** The one answer for a petition address that shows nothing: unknown, never public, or not for this reader. */
export const NO_PETITION_MESSAGE = 'There is no petition at this address.';
export const petitionNotFound = (): AppError => new AppError('NOT_FOUND', NO_PETITION_MESSAGE);
