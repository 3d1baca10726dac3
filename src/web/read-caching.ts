import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { appWide, routeMethods } from './route-config.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The write leaves cached reads as they are: signing, whose commits report each count move to the
     * cache themselves (app.ts), so a signature costs no one a fresh page.
     */
    keepsReads?: boolean;
  }
}

/** What a write that went through must forget: the public reads and the signing path's petition lookup. */
export interface CachedReads {
  forgetAll(): void;
}

/**
 * Any write may change what a petition page shows (an edit, an update, a moderator's decision), so
 * it forgets the cached reads. Decided per route as it is registered (writes not marked `keepsReads`),
 * so reads and signatures carry no hook for it at all.
 * Only after a write that went through (decision 0033): the handler ran (no hook turned the request
 * away: a cross-site post, a bad CSRF token, no staff session, a paused site, a rate limit) and
 * answered 2xx or 3xx. A flood of refused posts must not make every reader's page a fresh render.
 * Register before the routes and after every plugin that adds preHandlers per route.
 */
export const readCaching = appWide(async (app: FastifyInstance, { caches }: { caches: readonly (CachedReads | undefined)[] }) => {
  const reachedHandler = new WeakSet<FastifyRequest>();
  const markReached = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reachedHandler.add(request);
    done();
  };
  const forgetReads = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400 && reachedHandler.has(request)) {
      for (const cache of caches) cache?.forgetAll();
    }
    done();
  };
  app.addHook('onRoute', (route) => {
    if (routeMethods(route).every((m) => m === 'GET' || m === 'HEAD') || route.config?.keepsReads) return;
    // Last among the route's preHandlers, so it marks only requests that every check let through.
    route.preHandler = [...[route.preHandler ?? []].flat(), markReached];
    route.onResponse = [...[route.onResponse ?? []].flat(), forgetReads];
  });
});
