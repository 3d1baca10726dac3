import helmet from 'helmet';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Config } from '../config.ts';

/** Route config flag: the route's page may be shown in other sites' frames (the embed widget). */
export interface FrameableRoute {
  frameable?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig extends FrameableRoute {}
}

/**
 * Security headers from helmet, each policy built once at start-up: a strict Content-Security-Policy
 * (nothing from other origins but the configured map tiles), HSTS in production, nosniff, a
 * same-origin referrer policy, and no framing except on routes marked `frameable`.
 * (@fastify/helmet rebuilt the policy on every request: a few per cent of each request's time.)
 */
export function securityHeaders(config: Pick<Config, 'mapTileUrl' | 'nodeEnv'>) {
  const tileOrigin = new URL(config.mapTileUrl.replace(/\{[a-z]\}/g, 'a')).origin;
  const policy = (frameAncestors: string[]) =>
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
          ...(config.nodeEnv === 'production' ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.nodeEnv === 'production',
      referrerPolicy: { policy: 'same-origin' },
      xFrameOptions: frameAncestors.includes("'none'") ? { action: 'deny' } : false,
    });
  const closed = policy(["'none'"]);
  const frameable = policy(['*']);
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const apply = (request.routeOptions.config as FrameableRoute).frameable ? frameable : closed;
    apply(request.raw, reply.raw, (error) => done(error as Error | undefined));
  };
}
