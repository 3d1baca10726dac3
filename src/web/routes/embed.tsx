import type { FastifyInstance } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import type { AppDeps } from '../app.ts';
import { requireVisible } from '../../services/visible-petition.ts';
import { petitionUrl } from '../../services/context.ts';
import { EmbedPage } from '../views/embed-page.tsx';
import '../security-headers.ts'; // the `frameable` route flag

/** `/petitions/:slug/embed`: the one page other sites may frame (frame-ancestors *). */
export const embedRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  app.get<{ Params: { slug: string } }>('/petitions/:slug/embed', { config: { frameable: true } }, async (request, reply) => {
    const petition = await requireVisible(deps.services.store, request.params.slug);
    reply.header('cache-control', 'public, max-age=0, s-maxage=30, stale-while-revalidate=60').type('text/html; charset=utf-8');
    return `<!doctype html>${renderToString(<EmbedPage petition={petition} url={petitionUrl(deps.services, petition.slug)} />)}`;
  });
};
