import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { authenticate, requireJsonPosts } from './api-auth.ts';
import { asRecord } from '../../services/field-reader.ts';
import { applyInvalidation, countFlaggedSignatures, previewInvalidation, requireStaff, resolveAlert } from '../../services/invalidate-signatures.ts';
import type { User } from '../../store/records.ts';
import { writeRateLimit } from './rate-limits.ts';
import { clearFlagsSchema, invalidateSchema, listSigningAlertsSchema, previewInvalidationSchema, resolveSigningAlertSchema } from '../schemas/operations.ts';

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

  app.get('/signing-alerts', { schema: listSigningAlertsSchema }, async (request, reply) => {
    await staff(request);
    reply.header('cache-control', 'no-store');
    const alerts = await store.listOpenSigningAlerts(200);
    return {
      data: alerts.map((a) => ({ id: a.id, petition: a.petitionSlug, kind: a.kind, key: a.key, count: a.count, createdAt: a.createdAt.toISOString() })),
    };
  });

  app.post<{ Params: { id: string } }>('/signing-alerts/:id/resolve', { schema: resolveSigningAlertSchema, config: writeRateLimit }, async (request, reply) => {
    await resolveAlert(services, await staff(request), Number(request.params.id));
    return reply.code(204).send();
  });

  app.post('/invalidations/preview', { schema: previewInvalidationSchema, config: writeRateLimit }, async (request) => previewInvalidation(services, await staff(request), asRecord(request.body)));

  app.post('/invalidations', { schema: invalidateSchema, config: writeRateLimit }, async (request, reply) =>
    reply.code(201).send(await applyInvalidation(services, await staff(request), asRecord(request.body))),
  );

  app.post<{ Params: { slug: string } }>('/petitions/:slug/flags/clear', { schema: clearFlagsSchema, config: writeRateLimit }, async (request) =>
    countFlaggedSignatures(services, await staff(request), request.params.slug),
  );
};
