import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Path parameters that carry a secret (a sign-in, unsubscribe or confirmation link): the request log
     * writes `[redacted]` in their place. Every route with a `:token` parameter must say which are secret.
     */
    secretParams?: readonly string[];
  }
}

/** Route config for the links whose token is a secret. */
export const SECRET_TOKEN = { secretParams: ['token'] } as const;

const REDACTED = '[redacted]';

/**
 * One log line per request, written when the response is done: method, route, the path with its secret
 * segments redacted, status and time. Fastify's own request lines are off (`disableRequestLogging`): its
 * "incoming request" line is written before routing, so it cannot know which segments are secret, and it
 * carries the client's address, which we never log (the privacy page says so). No query string, no headers.
 * Must be installed before the routes, so it sees each one registered.
 */
export function installRequestLog(app: FastifyInstance): void {
  // Where secrets start in each secret route (`/auth/`, `/unsubscribe/`...): an address that matches no
  // route but begins like one (a mangled link) has everything after it redacted too.
  const secretPrefixes = new Set<string>();
  app.addHook('onRoute', (route) => {
    const secret = route.config?.secretParams ?? [];
    if (/:token\b/.test(route.url) && secret.length === 0) {
      throw new Error(`${route.url}: a route with a :token parameter must list its secret parameters (config.secretParams)`);
    }
    const starts = secret.map((p) => route.url.indexOf(`:${p}`)).filter((i) => i >= 0);
    if (starts.length > 0) secretPrefixes.add(route.url.slice(0, Math.min(...starts)).toLowerCase());
  });

  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? null, path: loggedPath(request, secretPrefixes), statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });
}

/** The request's path, rebuilt from its route with secret parameters redacted; never its query string. */
function loggedPath(request: FastifyRequest, secretPrefixes: ReadonlySet<string>): string {
  const pattern = request.routeOptions.url;
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  if (pattern) {
    const secret = new Set(request.routeOptions.config?.secretParams ?? []);
    return pattern.replace(/:(\w+)|\*/g, (whole, name: string | undefined) => {
      const key = name ?? '*';
      if (secret.has(key)) return REDACTED;
      const value = params[key];
      return value === undefined ? whole : encodeURI(value);
    });
  }
  return redactUnrouted(request.url, secretPrefixes);
}

/** An address no route took: cut at the query, and at the first place a secret link's token would begin. */
export function redactUnrouted(url: string, secretPrefixes: ReadonlySet<string>): string {
  let path = url.split(/[?#]/, 1)[0] ?? '';
  const lower = path.toLowerCase();
  let cut = -1;
  for (const prefix of secretPrefixes) {
    const at = lower.indexOf(prefix);
    if (at >= 0 && (cut < 0 || at + prefix.length < cut)) cut = at + prefix.length;
  }
  if (cut >= 0) path = path.slice(0, cut) + REDACTED;
  return path;
}
