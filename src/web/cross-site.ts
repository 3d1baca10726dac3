import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../domain/errors.ts';
import { sendError } from './errors.tsx';
import { appWide, routeMethods, UNSAFE_METHODS } from './route-config.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `allowed`: posts from other sites are taken (unsubscribing is harmless and carries its own proof;
     * mail providers post it from their servers, RFC 8058).
     */
    crossSitePosts?: 'allowed';
  }
}

/**
 * CSRF defence for HTML forms. Petition pages are cached and shared, so their sign form cannot carry
 * a per-visitor token; instead browsers tell us where a post comes from (Sec-Fetch-Site, Origin),
 * and any cross-site form post is refused. See docs/decisions/0005-csrf-on-cached-pages.md.
 * Decided per route as it is registered: only routes that take unsafe methods get the check, and not
 * the JSON API's (`config.api`: it only accepts application/json, which a cross-site form cannot send)
 * nor routes that allow cross-site posts. An address no route takes is answered 404 whatever its origin.
 */
export const crossSiteForms = appWide(async (app: FastifyInstance, { baseUrl }: { baseUrl: string }) => {
  const ownOrigin = new URL(baseUrl).origin;
  // Callback style: an async hook would cost each post a promise.
  const check = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!UNSAFE_METHODS.has(request.method)) return done();
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const sameHost = origin !== undefined && hostOf(origin) === request.headers.host;
    const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin !== ownOrigin && !sameHost);
    // Answered here, so `done` is not called: the request goes no further.
    if (crossSite) return void sendError(new AppError('CROSS_SITE_POST', 'This form can only be sent from this site.'), request, reply);
    done();
  };
  app.addHook('onRoute', (route) => {
    if (route.config?.api || route.config?.crossSitePosts === 'allowed' || !routeMethods(route).some((m) => UNSAFE_METHODS.has(m))) return;
    // Before the route's other hooks (the kill switch, the rate limit), as when it ran on every request.
    route.onRequest = [check, ...[route.onRequest ?? []].flat()];
  });
});

const hostOf = (origin: string): string | undefined => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};
