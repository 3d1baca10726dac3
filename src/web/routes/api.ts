import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { markStale } from '../public-reads.ts';
import { petitionNotFound } from '../../domain/errors.ts';
import { requireVisible } from '../../services/visible-petition.ts';
import { AREA_PRIVACY_FLOOR } from '../../domain/areas.ts';
import { signPetition } from '../../services/sign-petition.ts';
import { afterSigning, SIGN_ROUTE } from './after-signing.ts';
import { createPetition } from '../../services/create-petition.ts';
import { postUpdate } from '../../services/post-update.ts';
import { authenticate as authenticateToken, requireJsonPosts } from './api-auth.ts';
import { asRecord } from '../../services/field-reader.ts';
import { addCategory, removeCategory } from '../../services/categories.ts';
import { petitionJson, petitionWithUpdatesJson, updateJson } from '../presenters.ts';
import { writeRateLimit } from './rate-limits.ts';
import { routeDefaults } from '../route-config.ts';
import { PAUSED_WITH_STARTING } from '../site-controls.ts';
import { readSearch, searchPetitions, type SearchParams } from '../../services/search-petitions.ts';
import {
  addCategorySchema,
  getCountSchema,
  getPetitionSchema,
  getSignerAreasSchema,
  listCategoriesSchema,
  postUpdateSchema,
  removeCategorySchema,
  searchPetitionsSchema,
  signPetitionSchema,
  startPetitionSchema,
} from '../schemas/operations.ts';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

const SIGNED = JSON.stringify({ status: 'signed' });
const CONFIRMATION_SENT = JSON.stringify({ status: 'confirmation_sent' });

export const apiRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services, config } = deps;
  const { store } = services;

  // Public reads may be called from any site (cors.ts); writes only with JSON, which forms cannot send.
  routeDefaults(app, { cors: 'public-reads' });
  app.addHook('preValidation', requireJsonPosts);
  const authenticate = (request: FastifyRequest) => authenticateToken(store, request);

  app.get<{ Querystring: SearchParams }>('/petitions', { schema: searchPetitionsSchema }, async (request) => {
    const { hits, next } = await searchPetitions(services, readSearch(request.query, services.clock()));
    return { data: hits.map((h) => ({ ...petitionJson(config.baseUrl, h), ...(h.distanceKm !== null ? { distanceKm: h.distanceKm } : {}) })), next };
  });

  app.get('/petitions/:slug', { schema: getPetitionSchema }, async (request: SlugRequest, reply) => {
    const { read: document, staleMs } = await deps.reads!.document(request.params.slug, async (petition) =>
      petitionWithUpdatesJson(config.baseUrl, petition, await store.listUpdates(petition.id)),
    );
    if (!document) throw petitionNotFound();
    reply.header('cache-control', 'public, max-age=0, s-maxage=10, stale-while-revalidate=30');
    markStale(reply, staleMs);
    return reply.type('application/json; charset=utf-8').send(document);
  });

  app.get('/petitions/:slug/count', { schema: getCountSchema }, async (request: SlugRequest, reply) => {
    const { read: count, staleMs } = await deps.reads!.count(request.params.slug);
    if (!count) throw petitionNotFound();
    reply.header('cache-control', 'public, max-age=2, stale-while-revalidate=10').header('etag', count.etag);
    markStale(reply, staleMs);
    if (request.headers['if-none-match'] === count.etag) return reply.code(304).send();
    // Already JSON: a string with a JSON content type goes out as it is.
    return reply.type('application/json; charset=utf-8').send(count.json);
  });

  app.get('/petitions/:slug/areas', { schema: getSignerAreasSchema }, async (request: SlugRequest, reply) => {
    const petition = await requireVisible(store, request.params.slug);
    reply.header('cache-control', 'public, max-age=60, stale-while-revalidate=300');
    return { slug: petition.slug, floor: AREA_PRIVACY_FLOOR, ...(await deps.signerAreas!.of(petition.id)) };
  });

  const signed = afterSigning(app.log);
  app.post('/petitions/:slug/signatures', { schema: signPetitionSchema, config: SIGN_ROUTE }, async (request: SlugRequest, reply) => {
    const result = await signPetition(services, request.params.slug, asRecord(request.body), { ip: request.ip }, signed);
    // The two answers are constants: sent as ready JSON (a string with a JSON type skips the response
    // schema's serializer), not serialised again for every signer.
    return reply.type('application/json; charset=utf-8').code(result === 'signed' ? 201 : 202).send(result === 'signed' ? SIGNED : CONFIRMATION_SENT);
  });

  app.post('/petitions', { schema: startPetitionSchema, config: { ...writeRateLimit, ...PAUSED_WITH_STARTING } }, async (request, reply) => {
    const user = await authenticate(request);
    const petition = await createPetition(services, user, asRecord(request.body));
    return reply.code(201).send(petitionWithUpdatesJson(config.baseUrl, petition, []));
  });

  app.post('/petitions/:slug/updates', { schema: postUpdateSchema, config: writeRateLimit }, async (request: SlugRequest, reply) => {
    const user = await authenticate(request);
    const update = await postUpdate(services, user, request.params.slug, asRecord(request.body));
    return reply.code(201).send(updateJson(update));
  });

  app.get('/categories', { schema: listCategoriesSchema }, async () => ({ data: (await store.listCategories()).map((c) => ({ slug: c.slug, name: c.name })) }));

  app.post('/categories', { schema: addCategorySchema, config: writeRateLimit }, async (request, reply) => {
    const category = await addCategory(services, await authenticate(request), asRecord(request.body));
    return reply.code(201).send({ slug: category.slug, name: category.name });
  });

  app.delete<{ Params: { slug: string } }>('/categories/:slug', { schema: removeCategorySchema, config: writeRateLimit }, async (request, reply) => {
    await removeCategory(services, await authenticate(request), request.params.slug);
    return reply.code(204).send();
  });
};
