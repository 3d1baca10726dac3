import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { openApiDocument } from '../openapi.ts';
import { renderPage } from '../render.ts';
import { ApiReferencePage } from '../views/api-reference-page.tsx';

/** The OpenAPI document and its readable page. */
export const apiDocsRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const doc = openApiDocument(deps.config.baseUrl);
  const page = renderPage(<ApiReferencePage doc={doc} />);
  app.get('/api/v1/openapi.json', { config: { api: true } }, async (_request, reply) => reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').send(doc));
  app.get('/api', async (_request, reply) => reply.header('cache-control', 'public, max-age=300').type('text/html; charset=utf-8').send(page));
};
