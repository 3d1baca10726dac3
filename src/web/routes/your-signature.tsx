import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { findYourSignature, removeYourSignature } from '../../services/your-signature.ts';
import { renderPage } from '../render.ts';
import { SignatureRemovedPage, YourSignatureNotFoundPage } from '../views/notice-pages.tsx';
import { YourSignaturePage } from '../views/your-signature-page.tsx';
import { PrivacyPage } from '../views/privacy-page.tsx';
import { SECRET_TOKEN } from '../request-log.ts';

type TokenParams = { Params: { token: string } };

const html = (reply: FastifyReply, body: string, status = 200) =>
  reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

const notFound = (reply: FastifyReply) => html(reply, renderPage(<YourSignatureNotFoundPage />), 404);

/** A signer's own data, by the secret link from their confirmation mail; and the privacy notice. */
export const yourSignatureRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services, config } = deps;

  app.get<TokenParams>('/signatures/yours/:token', { config: SECRET_TOKEN }, async (request, reply) => {
    const found = await findYourSignature(services, request.params.token);
    if (!found) return notFound(reply);
    return html(reply, renderPage(<YourSignaturePage found={found} token={request.params.token} anonymiseAfterDays={config.anonymiseAfterDays} />));
  });

  app.post<TokenParams>('/signatures/yours/:token/remove', { config: SECRET_TOKEN }, async (request, reply) => {
    const petition = await removeYourSignature(services, request.params.token);
    if (!petition) return notFound(reply);
    return reply.redirect(`/signatures/removed?from=${encodeURIComponent(petition.slug)}`, 303);
  });

  app.get<{ Querystring: { from?: string } }>('/signatures/removed', async (request, reply) => {
    const slug = /^[a-z0-9-]{1,120}$/.test(request.query.from ?? '') ? request.query.from : undefined;
    return html(reply, renderPage(<SignatureRemovedPage slug={slug} />));
  });

  app.get('/privacy', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return reply.type('text/html; charset=utf-8').send(renderPage(<PrivacyPage anonymiseAfterDays={config.anonymiseAfterDays} />));
  });
};
