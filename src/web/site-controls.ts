import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';
import type { SiteSettings } from '../domain/site-settings.ts';
import type { SiteSettingsCache } from '../services/site-settings.ts';
import { sendError } from './errors.tsx';
import { appWide, routeMethods } from './route-config.ts';
import { BANNER_SLOT, fillBannerSlot } from './site-banner.tsx';

export type Switch = 'signing' | 'starting';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The kill switch that pauses this route: every way in to signing or to starting something new
     * declares one (a test lists them), so a paused site spends nothing on the flood it was paused for.
     */
    pause?: Switch;
  }
}

/** Route config for a way in to starting a petition or a campaign. */
export const PAUSED_WITH_STARTING = { pause: 'starting' } as const;

/** A route a switch pauses, as registered. */
export interface GuardedRoute {
  method: string;
  url: string;
  pause: Switch;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route a kill switch pauses, collected as routes are registered (HEAD left out). */
    guardedRoutes: readonly GuardedRoute[];
  }
}

const PAUSED: Record<Switch, { on: (s: SiteSettings) => boolean; error: () => AppError }> = {
  signing: {
    on: (s) => s.signingPaused,
    error: () => new AppError('SIGNING_PAUSED', 'Signing is paused for the moment. Nothing was recorded: please come back and sign later.'),
  },
  starting: {
    on: (s) => s.startingPaused,
    error: () => new AppError('STARTING_PAUSED', 'Starting new petitions is paused for the moment. Please come back later.'),
  },
};

/**
 * The kill switches and the banner, on every route of the app (register before the routes).
 * Callback-style hooks: most requests pass straight through without a promise.
 * Each route whose config names a switch gets its own onRequest hook when it is registered, so the
 * other routes (the count, the page) carry no check at all, and none reads `request.routeOptions`
 * per request (a getter that builds a new object each time). It goes first among the route's own
 * hooks, so a paused site answers before a rate limit counts the request. Checked at the door
 * (onRequest, before any body is read).
 */
export const siteControls = appWide(async (app: FastifyInstance, { settings }: { settings: SiteSettingsCache }) => {
  const guarded: GuardedRoute[] = [];
  app.decorate('guardedRoutes', guarded);
  app.addHook('onRoute', (route) => {
    const paused = route.config?.pause;
    if (!paused) return;
    if (!(paused in PAUSED)) throw new Error(`${route.url}: config.pause names no switch: ${String(paused)}`);
    for (const method of routeMethods(route)) if (method !== 'HEAD') guarded.push({ method, url: route.url, pause: paused });
    const { on, error } = PAUSED[paused];
    const guard = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      settings.current().then((now) => {
        if (!on(now)) return done();
        // Answered here, so `done` is not called: the request goes no further.
        reply.header('retry-after', '600').header('cache-control', 'no-store');
        sendError(error(), request, reply);
      }, done);
    };
    route.onRequest = [guard, ...[route.onRequest ?? []].flat()];
  });

  app.addHook('onSend', (_request, reply, payload, done) => {
    const html = typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith('text/html') && payload.includes(BANNER_SLOT);
    if (!html) return done(null, payload);
    settings.current().then((now) => done(null, fillBannerSlot(payload as string, now.banner)), done);
  });
});
