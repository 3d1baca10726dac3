import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { userForToken } from '../../services/accounts.ts';
import type { Store } from '../../store/store.ts';
import type { User } from '../../store/records.ts';

/** The user whose API token the request carries (Authorization: Bearer TOKEN), or 401. */
export async function authenticate(store: Store, request: FastifyRequest): Promise<User> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const user = match ? await userForToken(store, match[1]!) : undefined;
  if (!user) throw new AppError('UNAUTHENTICATED', 'Send a valid API token: Authorization: Bearer TOKEN.');
  return user;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Writes to the API take JSON only: a form on another site cannot send it without CORS.
 * Callback style, because every API request passes here and most go straight on.
 */
export function requireJsonPosts(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (request.method !== 'POST' || JSON_TYPE.test(request.headers['content-type'] ?? '')) return done();
  done(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON (Content-Type: application/json).'));
}
