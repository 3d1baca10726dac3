import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../domain/errors.ts';
import { isDatabaseUnavailable, storageFault, type StorageFault } from '../store/unavailable.ts';
import { renderPage } from './render.ts';
import { MessagePage } from './views/simple-pages.tsx';
import { appWide, scopeConfig } from './route-config.ts';

/** The one map from error codes to HTTP statuses. */
export const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  MALFORMED_BODY: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PETITION_CLOSED: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  CROSS_SITE_POST: 403,
  OVERLOADED: 503,
  SIGNING_PAUSED: 503,
  STARTING_PAUSED: 503,
  UNAVAILABLE: 503,
  STORAGE_FULL: 503,
};

/** Seconds a client is asked to wait when the database is away: a restart takes about one. */
export const UNAVAILABLE_RETRY_SECONDS = 2;
const UNAVAILABLE_MESSAGE = 'We cannot reach our database for a moment. Nothing was lost: please try again in a few seconds.';
/** One log line per this many ms while the database is away, not one per request. */
const UNAVAILABLE_LOG_EVERY_MS = 10_000;
let lastUnavailableLog = 0;
let unavailableSinceLog = 0;

/** Seconds a client is asked to wait when the disk is full: making room takes a person, not a blink. */
export const STORAGE_FULL_RETRY_SECONDS = 30;
const STORAGE_FULL_MESSAGE = 'We cannot save anything just now: our storage is full or cannot be written. Nothing was saved: please try again in a minute.';
/** A full disk lasts until someone makes room: one line per this many ms, a few a minute, however busy. */
const STORAGE_FULL_LOG_EVERY_MS = 20_000;
let lastStorageLog = 0;
let storageSinceLog = 0;
const STORAGE_LOG_MESSAGE: Record<StorageFault, string> = {
  full: 'database storage is full: writes are answered 503 STORAGE_FULL until there is room (reads are served)',
  unwritable: 'database storage refuses writes (read-only file system or write error): writes are answered 503 STORAGE_FULL (reads are served)',
};

/** Fastify's own errors, translated into ours so every answer has the same shape. */
function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON (Content-Type: application/json).');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('MALFORMED_BODY', 'The request body is empty or malformed.');
  }
  if (error.statusCode === 403) return new AppError('FORBIDDEN', 'This form has expired. Go back, reload the page and try again.');
  if (error.statusCode === 429) return new AppError('RATE_LIMITED', 'Too many requests. Please wait a minute and try again.');
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new AppError('MALFORMED_BODY', 'The request body is not valid JSON.');
  if (error.validation) return new AppError('MALFORMED_BODY', error.message);
  if (error.statusCode === 404) return new AppError('NOT_FOUND', 'Not found.');
  return new AppError('MALFORMED_BODY', 'The request could not be read.');
}

/**
 * Whether an answer goes out as the API's JSON: the route's config says (the API plugin sets it for its
 * routes), and a not-found answer takes its plugin's. Read only on the way out with an error.
 */
export const isApiRequest = (request: FastifyRequest): boolean => (request.routeOptions.config?.api ?? scopeConfig(request.server).api) === true;

/** Answers with an expected error: JSON for the API, a page otherwise. `api` only where no route is known (the router's own errors). */
export function sendError(error: AppError, request: FastifyRequest, reply: FastifyReply, api = isApiRequest(request)): FastifyReply {
  const status = STATUS[error.code];
  reply.code(status);
  // A page that needs a sign-in sends the visitor to sign in (never to a URL taken from the request).
  if (error.code === 'UNAUTHENTICATED' && !api) return reply.redirect('/sign-in', 303);
  if (api) {
    const fields = Object.keys(error.fields).length > 0 ? { fields: error.fields } : {};
    return reply.type('application/json').send({ error: { code: error.code, message: error.message, ...fields } });
  }
  return reply.type('text/html; charset=utf-8').send(renderPage(<MessagePage title={titleFor(status)}><p>{error.message}</p></MessagePage>));
}

const titleFor = (status: number): string =>
  ({ 400: 'Bad request', 403: 'Not allowed', 404: 'Page not found', 409: 'Closed', 413: 'Too large', 415: 'Unsupported', 422: 'Check your answers', 429: 'Too many requests', 503: 'Back in a moment' })[status] ??
  'Something went wrong';

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isDatabaseUnavailable(error)) {
    unavailableSinceLog++;
    if (Date.now() - lastUnavailableLog >= UNAVAILABLE_LOG_EVERY_MS) {
      request.log.warn({ err: error, requests: unavailableSinceLog }, 'database unavailable: answering 503 with Retry-After');
      lastUnavailableLog = Date.now();
      unavailableSinceLog = 0;
    }
    reply.header('retry-after', String(UNAVAILABLE_RETRY_SECONDS));
    return sendError(new AppError('UNAVAILABLE', UNAVAILABLE_MESSAGE), request, reply);
  }
  const storage = storageFault(error);
  if (storage) {
    storageSinceLog++;
    if (Date.now() - lastStorageLog >= STORAGE_FULL_LOG_EVERY_MS) {
      // `requests`: how many met the fault since the last line, this one included.
      request.log.error({ err: error, requests: storageSinceLog }, STORAGE_LOG_MESSAGE[storage]);
      lastStorageLog = Date.now();
      storageSinceLog = 0;
    }
    reply.header('retry-after', String(STORAGE_FULL_RETRY_SECONDS));
    return sendError(new AppError('STORAGE_FULL', STORAGE_FULL_MESSAGE), request, reply);
  }
  const known = error instanceof AppError || (error.statusCode !== undefined && error.statusCode < 500);
  if (!known) {
    request.log.error({ err: error }, 'unexpected error');
    reply.code(500);
    if (isApiRequest(request)) return reply.send({ error: { code: 'INTERNAL', message: 'Something went wrong on our side. Nothing was changed.' } });
    return reply
      .type('text/html; charset=utf-8')
      .send(renderPage(<MessagePage title="Something went wrong"><p>Something went wrong on our side. Please try again.</p></MessagePage>));
  }
  return sendError(toAppError(error), request, reply);
}

/** The answer for an address no route takes; the API plugin sets it for its own addresses too, which then answer as JSON. */
export const notFound = (request: FastifyRequest, reply: FastifyReply) => sendError(new AppError('NOT_FOUND', 'There is nothing at this address.'), request, reply);

/** Every error and every unknown address, for the whole app, answered in our shape with the one status map above. */
export const errorAnswers = appWide(async (app: FastifyInstance) => {
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFound);
});
