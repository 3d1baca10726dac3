import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Config } from '../config.ts';
import { appWide, scopeConfig } from './route-config.ts';

/** Route config flag: the route's page may be shown in other sites' frames (the embed widget). */
export interface FrameableRoute {
  frameable?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig extends FrameableRoute {}
}

/**
 * Security headers from helmet, each policy built once at start-up: a strict Content-Security-Policy
 * (nothing from other origins but the configured map tiles, Trusted Types required), HSTS in production, nosniff, a
 * same-origin referrer policy, and no framing except on routes marked `frameable`.
 * (@fastify/helmet rebuilt the policy on every request: a few per cent of each request's time.)
 *
 * Helmet's middleware still rebuilt the CSP string and called `res.setHeader` a dozen times per
 * request (a tenth of a signature's time in a profile), and reading the route's config to pick a
 * policy allocated a fresh `routeOptions` object. So helmet runs once here, against a recording
 * response, and each request copies the recorded headers onto the reply: Fastify writes them with
 * the rest in one `writeHead`. `onRequest` goes on every request (404s, load shedding's 503s and errors
 * included) and picks the page or the API policy by the scope it runs in (the API plugin's routes and
 * its not-found answers), read once from the hook's instance; `onRoute` gives the few frameable routes,
 * and an API route declared outside the API plugin, a second hook that swaps in their policy.
 * Register first, so every answer after it carries the headers.
 */
export const securityHeaders = appWide(async (app: FastifyInstance, { config }: { config: Pick<Config, 'mapTileUrl' | 'nodeEnv'> }) => {
  const tileOrigin = new URL(config.mapTileUrl.replace(/\{[a-z]\}/g, 'a')).origin;
  const policy = (frameAncestors: string[]) =>
    recorded(
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'"],
            imgSrc: ["'self'", 'data:', tileOrigin],
            connectSrc: ["'self'"],
            fontSrc: ["'self'"],
            objectSrc: ["'none'"],
            baseUri: ["'self'"],
            formAction: ["'self'"],
            frameAncestors,
            // DOM sinks (innerHTML, script URLs, eval) take no plain strings, so user text cannot become
            // markup in a script; the one policy allowed is the default one Leaflet's load needs (decision 0032).
            requireTrustedTypesFor: ["'script'"],
            trustedTypes: ['default'],
            ...(config.nodeEnv === 'production' ? { upgradeInsecureRequests: [] } : {}),
          },
        },
        strictTransportSecurity: config.nodeEnv === 'production',
        referrerPolicy: { policy: 'same-origin' },
        xFrameOptions: frameAncestors.includes("'none'") ? { action: 'deny' } : false,
      }),
    );
  const closed = policy(["'none'"]);
  const frameable = policy(['*']);
  const api = apiHeaders(closed);
  const swapTo = (policy: Record<string, string>) => {
    const dropped = Object.keys(closed).filter((name) => !(name in policy));
    return (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      for (const name of dropped) reply.removeHeader(name);
      reply.headers(policy);
      done();
    };
  };
  const frame = swapTo(frameable);
  const toApi = swapTo(api);
  app.addHook('onRequest', function (this: FastifyInstance, _request, reply, done) {
    reply.headers(scopeConfig(this).api ? api : closed);
    done();
  });
  app.addHook('onRoute', function (route) {
    if (route.config?.frameable) route.onRequest = [...[route.onRequest ?? []].flat(), frame];
    else if (route.config?.api && !scopeConfig(this).api) route.onRequest = [...[route.onRequest ?? []].flat(), toApi];
  });
});

/**
 * What a JSON answer needs of the page policy (OWASP's REST security headers): it is never a
 * document, so it runs no script and loads nothing, cannot be framed, is never sniffed into HTML,
 * and sends no referrer. A page's dozen headers made most of a count's answer (about 900 bytes of
 * headers on a 100-byte body), written by the server and read by every poller.
 */
function apiHeaders(page: Record<string, string>): Record<string, string> {
  const kept = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'strict-transport-security'].filter((name) => name in page);
  return { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", ...Object.fromEntries(kept.map((name) => [name, page[name]!])) };
}

/** The headers a helmet middleware sets, recorded from one run against a stand-in response (lower-case names). */
function recorded(middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)), removeHeader: () => {} };
  let failed: unknown;
  middleware({} as IncomingMessage, res as unknown as ServerResponse, (error) => (failed = error));
  if (failed) throw failed;
  return headers;
}
