import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { appWide, routeMethods } from './route-config.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public-reads`: the route's GET answers may be read by scripts on any site (Access-Control-Allow-Origin: *). */
    cors?: 'public-reads';
  }
}

/**
 * Cross-origin reads, decided per route as it is registered: only the GET routes whose config says
 * `cors: 'public-reads'` carry the header (the API's public reads). Writes never do: they take only
 * JSON, with a token, which another site's page cannot send without a preflight we do not answer.
 */
export const cors = appWide(async (app: FastifyInstance) => {
  const anyOrigin = (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.header('access-control-allow-origin', '*');
    done();
  };
  app.addHook('onRoute', (route) => {
    if (route.config?.cors !== 'public-reads' || !routeMethods(route).includes('GET')) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), anyOrigin];
  });
});
