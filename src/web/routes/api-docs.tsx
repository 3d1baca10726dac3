import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { renderPage } from '../render.ts';
import { ApiReferencePage, type OpenApiDocument } from '../views/api-reference-page.tsx';
import { openApiDocumentSchema } from '../schemas/operations.ts';

/** The OpenAPI document generated from the routes' schemas, and its readable page. */
export const apiDocsRoutes = (_deps: AppDeps) => async (app: FastifyInstance) => {
  // Both are made once, on the first request: by then every route is registered and described.
  let doc: OpenApiDocument | undefined;
  let page: string | undefined;
  const document = () => (doc ??= app.swagger() as unknown as OpenApiDocument);
  app.get('/api/v1/openapi.json', { schema: openApiDocumentSchema, config: { api: true } }, async (_request, reply) =>
    reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(JSON.stringify(document())),
  );
  app.get('/api', async (_request, reply) => {
    page ??= renderPage(<ApiReferencePage doc={document()} />);
    return reply.header('cache-control', 'public, max-age=300').type('text/html; charset=utf-8').send(page);
  });
};
