import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../domain/errors.ts';
import { sendError } from './errors.tsx';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence for HTML forms. Petition pages are cached and shared, so their sign form cannot carry
 * a per-visitor token; instead browsers tell us where a post comes from (Sec-Fetch-Site, Origin),
 * and any cross-site form post is refused. See docs/decisions/0005-csrf-on-cached-pages.md.
 * The JSON API is exempt: it only accepts application/json, which a cross-site form cannot send.
 */
export const rejectCrossSiteForms = (baseUrl: string) => {
  const ownOrigin = new URL(baseUrl).origin;
  // Callback style: every request passes through here, and most (reads, the JSON API) at once;
  // an async hook would cost each of them a promise.
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    // Unsubscribing is harmless and carries its own proof; mail providers post it from their servers (RFC 8058).
    if (!UNSAFE.has(request.method) || request.url.startsWith('/api/') || request.url.startsWith('/unsubscribe/')) return done();
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const sameHost = origin !== undefined && hostOf(origin) === request.headers.host;
    const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin !== ownOrigin && !sameHost);
    // Answered here, so `done` is not called: the request goes no further.
    if (crossSite) return void sendError(new AppError('CROSS_SITE_POST', 'This form can only be sent from this site.'), request, reply);
    done();
  };
};

const hostOf = (origin: string): string | undefined => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};
