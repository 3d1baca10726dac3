import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { createCampaign } from '../../services/create-campaign.ts';
import { asRecord } from '../../services/field-reader.ts';
import { campaignJson } from '../presenters.ts';
import { authenticate, requireJsonPosts } from './api-auth.ts';
import { writeRateLimit } from './rate-limits.ts';
import { PAUSED_WITH_STARTING } from '../site-controls.ts';
import { getCampaignSchema, startCampaignSchema } from '../schemas/operations.ts';

/** `/api/v1/campaigns`: create one (token), read one with its local petitions and total. */
export const campaignsApiRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services, config } = deps;
  app.addHook('preValidation', requireJsonPosts);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET') reply.header('access-control-allow-origin', '*');
  });

  app.post('/campaigns', { schema: startCampaignSchema, config: { ...writeRateLimit, ...PAUSED_WITH_STARTING } }, async (request, reply) => {
    const campaign = await createCampaign(services, await authenticate(services.store, request), asRecord(request.body));
    return reply.code(201).send(campaignJson(config.baseUrl, campaign, [], 0));
  });

  app.get('/campaigns/:slug', { schema: getCampaignSchema }, async (request: FastifyRequest<{ Params: { slug: string } }>, reply) => {
    const campaign = await services.store.findCampaignBySlug(request.params.slug);
    if (!campaign) throw new AppError('NOT_FOUND', 'There is no campaign at this address.');
    const { petitions, total } = await services.store.campaignPetitions(campaign.id);
    reply.header('cache-control', 'public, max-age=0, s-maxage=10, stale-while-revalidate=30');
    return campaignJson(config.baseUrl, campaign, petitions, total);
  });
};
