import type { FastifyContextConfig, FastifyInstance, FastifyPluginAsync, FastifyPluginOptions } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route is part of the JSON API: errors answer as JSON, the API's headers apply, and the
     * cross-site form check does not (a cross-site form cannot send JSON). The API plugin sets it for
     * every route in it (app.ts); a route elsewhere may declare it.
     */
    api?: boolean;
  }
}

const DEFAULTS = Symbol('route config defaults');
type Scoped = FastifyInstance & { [DEFAULTS]?: FastifyContextConfig };
const NONE: FastifyContextConfig = Object.freeze({});

/**
 * Gives every route registered in this plugin (and in the plugins it registers) this config unless
 * the route says otherwise. Kept on the plugin's own instance, which its children inherit.
 */
export function routeDefaults(app: FastifyInstance, config: FastifyContextConfig): void {
  const scoped = app as Scoped;
  scoped[DEFAULTS] = { ...scoped[DEFAULTS], ...config };
}

/**
 * The defaults where an instance registers routes. Hooks run bound to the instance of the route (or
 * of the not-found handler) they serve, so a hook that every request passes, routed or not, learns
 * its scope with one property read instead of a per-request `routeOptions`.
 */
export const scopeConfig = (app: FastifyInstance): FastifyContextConfig => (app as Scoped)[DEFAULTS] ?? NONE;

/**
 * Fills each route's config with its plugin's defaults as it is registered. It must be the app's
 * first onRoute hook, so every plugin that decides per route (onRoute) reads the route's whole config.
 */
export function installRouteDefaults(app: FastifyInstance): void {
  app.addHook('onRoute', function (route) {
    const defaults = (this as Scoped)[DEFAULTS];
    if (defaults) route.config = { ...defaults, ...route.config };
  });
}

/** Marks a plugin as reaching the whole app rather than its own encapsulated scope (fastify-plugin). */
export function appWide<Options extends FastifyPluginOptions>(plugin: FastifyPluginAsync<Options>): FastifyPluginAsync<Options> {
  return fastifyPlugin(plugin);
}

/** Whether a route answers unsafe methods, so checks and cache forgetting that only writes need apply to it. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const routeMethods = (route: { method: string | string[] }): string[] => [route.method].flat();
