import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { requireVisible } from '../../services/visible-petition.ts';
import { clientKey, type LiveCounts } from '../live-counts.ts';

/**
 * `GET /petitions/:slug/live`: the count as Server-Sent Events, beside the page it serves (same origin,
 * so the page's `connect-src 'self'` allows it) rather than under /api/v1: it is a stream for the page's
 * script, not a JSON resource; API clients poll `/api/v1/petitions/:slug/count`. Decision 0016.
 */
export const liveRoutes = (deps: AppDeps, live: LiveCounts) => async (app: FastifyInstance) => {
  // No HEAD twin: a hijacked HEAD would hold its connection open with nothing to say.
  app.get<{ Params: { slug: string } }>('/petitions/:slug/live', { exposeHeadRoute: false }, async (request, reply) => {
    const petition = await requireVisible(deps.services.store, request.params.slug);
    if (live.full()) {
      reply.code(503).header('retry-after', '30').header('cache-control', 'no-store');
      return { error: { code: 'UNAVAILABLE', message: 'Too many live viewers here: the page polls instead.' } };
    }
    // One client may not take every place (issue 14): its address counts its open streams, in memory only.
    const client = clientKey(request.ip);
    if (live.clientFull(client)) {
      reply.code(429).header('retry-after', '30').header('cache-control', 'no-store');
      return { error: { code: 'RATE_LIMITED', message: 'Too many live counts open from your address: the page polls instead.' } };
    }
    // From here the response is ours, not Fastify's: it stays open until the viewer leaves.
    // Fastify no longer writes the headers set on the reply (the security headers among them): we do.
    const headers = reply.getHeaders() as OutgoingHttpHeaders;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
    res.write('retry: 5000\n\n');
    const stop = live.watch(petition.id, petition.slug, res, petition.signatureCount, client);
    // The response's close fires when the connection ends, whoever ends it.
    res.on('close', stop);
    res.on('error', stop);
  });
};
