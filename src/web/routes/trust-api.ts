import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { authenticate, requireJsonPosts } from './api-auth.ts';
import { asRecord } from '../../services/field-reader.ts';
import { applyInvalidation, previewInvalidation, requireStaff } from '../../services/invalidate-signatures.ts';
import type { User } from '../../store/records.ts';
import { writeRateLimit } from './rate-limits.ts';

/**
 * Fraud tools for staff over the API (bearer token of an admin or moderator): signing alerts,
 * bulk invalidation with a preview, clearing flags. Counts are recomputed exactly afterwards.
 */
export const trustApiRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services } = deps;
  const { store } = services;

  app.addHook('preValidation', requireJsonPosts);

  async function staff(request: FastifyRequest): Promise<User> {
    const user = await authenticate(store, request);
    requireStaff(user);
    return user;
  }

  app.get('/signing-alerts', async (request, reply) => {
    await staff(request);
    reply.header('cache-control', 'no-store');
    const alerts = await store.listOpenSigningAlerts(200);
    return {
      data: alerts.map((a) => ({ id: a.id, petition: a.petitionSlug, kind: a.kind, key: a.key, count: a.count, createdAt: a.createdAt.toISOString() })),
    };
  });

  app.post<{ Params: { id: string } }>('/signing-alerts/:id/resolve', { config: writeRateLimit }, async (request, reply) => {
    await staff(request);
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || !(await store.resolveSigningAlert(id, services.clock()))) throw new AppError('NOT_FOUND', 'There is no open alert with this id.');
    return reply.code(204).send();
  });

  app.post('/invalidations/preview', { config: writeRateLimit }, async (request) => previewInvalidation(services, await staff(request), asRecord(request.body)));

  app.post('/invalidations', { config: writeRateLimit }, async (request, reply) =>
    reply.code(201).send(await applyInvalidation(services, await staff(request), asRecord(request.body))),
  );

  app.post<{ Params: { slug: string } }>('/petitions/:slug/flags/clear', { config: writeRateLimit }, async (request) => {
    await staff(request);
    const petition = await store.findPetitionBySlug(request.params.slug);
    if (!petition) throw new AppError('NOT_FOUND', 'There is no petition at this address.');
    return { slug: petition.slug, signatureCount: await store.clearFlags(petition.id, 'all') };
  });
};
