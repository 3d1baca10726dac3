import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';
import type { SiteSettings } from '../domain/site-settings.ts';
import type { SiteSettingsCache } from '../services/site-settings.ts';
import { sendError } from './errors.tsx';
import { BANNER_SLOT, fillBannerSlot } from './site-banner.tsx';

type Switch = 'signing' | 'starting';

/**
 * Every way in to signing or to starting something new, by method and route. Checked at the door
 * (onRequest, before any body is read), so a paused site spends nothing on a flood it was paused for.
 */
export const GUARDED: Record<string, Switch> = {
  'POST /petitions/:slug/signatures': 'signing',
  'POST /api/v1/petitions/:slug/signatures': 'signing',
  'GET /petitions/new': 'starting',
  'POST /petitions/new': 'starting',
  'POST /api/v1/petitions': 'starting',
  'GET /campaigns/:slug/start': 'starting',
  'POST /campaigns/:slug/start': 'starting',
  'GET /campaigns/new': 'starting',
  'POST /campaigns/new': 'starting',
  'POST /api/v1/campaigns': 'starting',
};

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
 * Installs the kill switches and the banner on every route of the app (call before registering
 * routes). Callback-style hooks: most requests pass straight through without a promise.
 * Each guarded route gets its own onRequest hook when it is registered, so the other routes (the
 * count, the page) carry no check at all, and none reads `request.routeOptions` per request (a
 * getter that builds a new object each time). It goes first among the route's own hooks, so a
 * paused site answers before a rate limit counts the request.
 */
export function installSiteControls(app: FastifyInstance, settings: SiteSettingsCache): void {
  app.addHook('onRoute', (route) => {
    const switches: Record<string, Switch> = {};
    for (const method of [route.method].flat()) {
      const guarded = GUARDED[`${method === 'HEAD' ? 'GET' : method} ${route.url}`];
      if (guarded) switches[method] = guarded;
    }
    if (Object.keys(switches).length === 0) return;
    const guard = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      const guarded = switches[request.method];
      if (!guarded) return done();
      settings.current().then((now) => {
        if (!PAUSED[guarded].on(now)) return done();
        // Answered here, so `done` is not called: the request goes no further.
        reply.header('retry-after', '600').header('cache-control', 'no-store');
        sendError(PAUSED[guarded].error(), request, reply);
      }, done);
    };
    route.onRequest = [guard, ...[route.onRequest ?? []].flat()];
  });

  app.addHook('onSend', (_request, reply, payload, done) => {
    const html = typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith('text/html') && payload.includes(BANNER_SLOT);
    if (!html) return done(null, payload);
    settings.current().then((now) => done(null, fillBannerSlot(payload as string, now.banner)), done);
  });
}
