import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { reportablePetition, reportPetition } from '../../services/report-petition.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { emptyForm } from '../views/form-fields.tsx';
import { ReportPage } from '../views/report-page.tsx';
import { ReportSentPage } from '../views/notice-pages.tsx';
import { attemptForm } from './forms.ts';
import { reportRateLimit } from './rate-limits.ts';

type SlugParams = { Params: { slug: string } };

const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

/**
 * "Report this petition". The form is public and cached pages link to it, so like the sign form it
 * is protected by the same-origin check on every form post (cross-site.ts), and by a rate limit.
 */
export const reportRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services } = deps;

  app.get<SlugParams>('/petitions/:slug/report', async (request, reply) => {
    const petition = await reportablePetition(services, request.params.slug);
    return html(reply, renderPage(<ReportPage petition={petition} form={emptyForm()} />));
  });

  app.post<SlugParams>('/petitions/:slug/report', { config: reportRateLimit }, async (request, reply) => {
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => reportPetition(services, request.params.slug, raw));
    if (!result.ok) return html(reply, renderPage(<ReportPage petition={await reportablePetition(services, request.params.slug)} form={result.form} />), 422);
    return reply.redirect(`/petitions/${result.value.slug}/report/sent`, 303);
  });

  app.get<SlugParams>('/petitions/:slug/report/sent', async (request, reply) => {
    const petition = await reportablePetition(services, request.params.slug);
    return html(reply, renderPage(<ReportSentPage petition={petition} />));
  });
};
