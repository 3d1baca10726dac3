import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { PUBLICLY_VISIBLE } from '../../domain/petition.ts';
import type { LiveCounts } from '../live-counts.ts';

/** `GET /petitions/:slug/live`: the count as Server-Sent Events (the page's script falls back to polling). */
export const liveRoutes = (deps: AppDeps, live: LiveCounts) => async (app: FastifyInstance) => {
  app.get<{ Params: { slug: string } }>('/petitions/:slug/live', async (request, reply) => {
    const petition = await deps.services.store.findPetitionBySlug(request.params.slug);
    if (!petition || !PUBLICLY_VISIBLE.has(petition.state)) throw new AppError('NOT_FOUND', 'There is no petition at this address.');
    if (live.full()) return reply.code(503).header('retry-after', '30').send({ error: { code: 'UNAVAILABLE', message: 'Too many live viewers here: the page polls instead.' } });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
    res.write('retry: 5000\n\n');
    const stop = live.watch(petition.id, petition.slug, res, petition.signatureCount);
    request.raw.on('close', stop);
  });
};
