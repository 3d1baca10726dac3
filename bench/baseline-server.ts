// The baselines: bare Fastify routes with the shapes of ours and no work behind them (no database,
// no validation, no rendering), measured in the same run as the real routes.
import Fastify from 'fastify';

const PAGE = `<!doctype html><html lang="en"><head><title>Baseline</title></head><body>${'<p>Lorem ipsum dolor sit amet.</p>'.repeat(300)}</body></html>`;

const app = Fastify();
app.post('/api/v1/petitions/:slug/signatures', async (_request, reply) => reply.code(201).send({ status: 'signed' }));
app.get('/api/v1/petitions/:slug/count', async (request) => ({ slug: (request.params as { slug: string }).slug, signatureCount: 1234, at: new Date().toISOString() }));
app.get('/petitions/:slug', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
