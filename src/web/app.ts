import Fastify, { LogController, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import { securityHeaders } from './security-headers.ts';
import { ASSETS_DIR, LEAFLET_DIR } from './asset-urls.ts';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { guardedRateLimitStore } from '../redis/rate-limit-store.ts';
import type { SharedRedis } from '../redis/shared-redis.ts';
import type { Config } from '../config.ts';
import type { ServiceContext } from '../services/context.ts';
import { AppError } from '../domain/errors.ts';
import { errorAnswers, notFound, sendError } from './errors.tsx';
import { crossSiteForms } from './cross-site.ts';
import { cors } from './cors.ts';
import { readCaching } from './read-caching.ts';
import { installRouteDefaults, routeDefaults } from './route-config.ts';
import { PublicReads } from './public-reads.ts';
import { LiveCounts } from './live-counts.ts';
import { countAnnouncer } from './count-announcer.ts';
import { liveRoutes } from './routes/live.ts';
import { embedRoutes } from './routes/embed.tsx';
import { pageRoutes } from './routes/pages.tsx';
import { apiRoutes } from './routes/api.ts';
import { devRoutes } from './routes/dev.tsx';
import { organiserRoutes } from './routes/organiser.tsx';
import { unsubscribeRoutes } from './routes/unsubscribe.tsx';
import { shareRoutes } from './routes/share.ts';
import { yourSignatureRoutes } from './routes/your-signature.tsx';
import { trustApiRoutes } from './routes/trust-api.ts';
import { apiDocsRoutes } from './routes/api-docs.tsx';
import { campaignsApiRoutes } from './routes/campaigns-api.ts';
import { campaignRoutes } from './routes/campaigns.tsx';
import { SiteSettingsCache } from '../services/site-settings.ts';
import { SignerAreasCache } from '../services/signer-areas.ts';
import { siteControls } from './site-controls.ts';
import { adminRoutes } from './routes/admin.tsx';
import { reportRoutes } from './routes/reports.tsx';
import { installRequestLog } from './request-log.ts';
import { installLoadShedding, NEVER_SHED } from './load-shedding.ts';
import { installApiDocument } from './api-document.ts';

export interface AppDeps {
  config: Config;
  services: ServiceContext;
  /** Cached counts and pages; built by buildApp when not given. */
  reads?: PublicReads;
  /** This process's delivery worker, for the admin area's mail page. */
  mailDeliveryState?: () => { relay: string; inFlight: number };
  /** Kill switches and banner, cached a few seconds; built by buildApp when not given. */
  siteSettings?: SiteSettingsCache;
  /** Signers by area, counted at most once a minute; built by buildApp when not given. */
  signerAreas?: SignerAreasCache;
  /** The process's Redis, with REDIS_URL (main.ts opens and closes it): rate limits and live-count fan-out. */
  redis?: SharedRedis;
}

export const BODY_LIMIT = 64 * 1024;

/** Builds the whole app without listening: tests use it in-process, main.ts adds listen and shutdown. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy ?? false,
    // A request must arrive whole within requestTimeout (a body that never comes frees its connection);
    // idle connections end. Server-Sent Events are responses, which requestTimeout does not bound.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: 72_000, // longer than a proxy's idle upstream connections (nginx: 60 s)
    // Node only enforces requestTimeout given when the server is made (Fastify sets it later, too late for
    // a body that stalls after its headers), and checks it on a beat (its default, 30 s, would double it).
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, config.requestTimeoutMs / 4)),
    },
    // The router's own errors (bad percent-encoding, over-long segments) get our error shape too.
    // No route is known here, so the address alone says whether the answer is the API's.
    frameworkErrors: (error, request, reply) =>
      sendError(
        error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new AppError('NOT_FOUND', 'There is nothing at this address.') : new AppError('MALFORMED_BODY', 'The address is not valid.'),
        request,
        reply,
        request.url.startsWith('/api/'),
      ),
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', '*.email'],
            // No address, no URL: the one line per request is request-log.ts's, with secrets redacted.
            serializers: { req: (req) => ({ method: req.method }) },
          },
    // Fastify's own request lines are off (the top-level disableRequestLogging is deprecated).
    logController: new LogController({ disableRequestLogging: true }),
  });
  // Beyond this many open connections new ones are closed at once, before they cost a file descriptor each.
  app.server.maxConnections = config.maxConnections;
  // Each route's config says which of the plugins below apply to it, read once as it is registered
  // (decision 0048); this first hook fills in what its plugin gives every route in it (the API's).
  installRouteDefaults(app);
  installRequestLog(app);

  // Every route, as registered: the OpenAPI test checks each /api/v1 route is described.
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  app.decorate('registeredRoutes', routes);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(cookie, { secret: config.sessionSecret });
  // Pages behind a sign-in carry a per-visitor token (decision 0005); public cached pages rely on Origin checks.
  await app.register(csrf, {
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: config.nodeEnv === 'production' },
  });
  // The cross-cutting plugins, one concern each. Their app-wide hooks run in this order; a plugin that puts
  // its per-route hook first runs before one registered earlier (cross-site forms before the kill switches).
  await app.register(securityHeaders, { config });
  // Past its bounds the process answers 503 before any other work (decision 0036); the answer is logged and carries the headers above.
  await installLoadShedding(app, config);
  await app.register(errorAnswers);
  deps.siteSettings ??= new SiteSettingsCache(deps.services.store);
  // After the kill switches, so a cross-site post is refused before a switch is even read.
  await app.register(siteControls, { settings: deps.siteSettings });
  await app.register(crossSiteForms, { baseUrl: config.baseUrl });
  await app.register(cors);
  if (config.rateLimit) {
    // With several processes the limits live in Redis, so each client has one budget, not one per process.
    // skipOnError: if Redis is down, serve without limits rather than refuse everyone; the store is behind
    // the process's breaker, so while Redis is away no request waits to find that out (decision 0037).
    const { redis } = deps;
    await app.register(rateLimit, { global: false, ...(redis ? { store: guardedRateLimitStore(redis, `${redis.namespace}rate:`), skipOnError: true } : {}) });
  }
  deps.reads ??= new PublicReads(deps.services);
  deps.signerAreas ??= new SignerAreasCache(deps.services.store);
  const reads = deps.reads;
  // Signing moves counts, which commits report to the cache (below); other writes forget cached reads.
  await app.register(readCaching, { caches: [reads, deps.services.petitionsForSigning] });
  // Pages link assets with a content hash (asset-urls.ts), so they may be kept for a year.
  await app.register(fastifyStatic, { root: ASSETS_DIR, prefix: '/assets/', maxAge: '365d', immutable: true });
  await app.register(fastifyStatic, { root: LEAFLET_DIR, prefix: '/assets/leaflet/', decorateReply: false, maxAge: '365d', immutable: true });

  // Live counts: this process's commits at once; with Redis, every process's (one message per commit).
  const live = new LiveCounts(undefined, config.liveStreamsPerClient);
  app.decorate('liveCounts', live);
  // preClose: open streams would otherwise hold the server open while it waits for connections to end.
  app.addHook('preClose', async () => live.close());
  const announce = await countAnnouncer(deps.redis, (petitionId, count) => {
    live.publish(petitionId, count);
    reads.countCommitted(petitionId, count);
  });
  deps.services.batcher.onCommit((changes) => {
    for (const c of changes) {
      live.publish(c.petitionId, c.after);
      announce.publish(c.petitionId, c.after);
    }
  });
  app.addHook('onClose', async () => announce.close());

  // Before any route, so it sees each as it is registered.
  await installApiDocument(app, config);
  app.get('/healthz', { config: NEVER_SHED }, async () => ({ ok: true }));
  await app.register(pageRoutes(deps));
  await app.register(liveRoutes(deps, live));
  await app.register(embedRoutes(deps));
  await app.register(organiserRoutes(deps));
  await app.register(unsubscribeRoutes(deps));
  await app.register(shareRoutes(deps));
  await app.register(yourSignatureRoutes(deps));
  await app.register((await import('./routes/delivery.tsx')).deliveryRoutes(deps));
  await app.register(
    async (api) => {
      // Every route in here is the JSON API, and so is every address under it that no route takes.
      routeDefaults(api, { api: true });
      api.setNotFoundHandler(notFound);
      await api.register(apiRoutes(deps));
      await api.register(trustApiRoutes(deps), { prefix: '/admin' });
      await api.register(campaignsApiRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
  await app.register(campaignRoutes(deps));
  await app.register(apiDocsRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(reportRoutes(deps));
  if (!config.smtpUrl && config.nodeEnv !== 'production') await app.register(devRoutes(deps));
  return app;
}
