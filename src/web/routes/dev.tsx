import type { FastifyInstance, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { renderPage } from '../render.ts';
import { OutboxMailPage, OutboxPage } from '../views/simple-pages.tsx';

/**
 * The development outbox: mail kept in the database when no SMTP server is configured. Never in
 * production, and only for someone at this machine (decision 0033): it holds every sign-in and
 * confirmation link, so anyone else reading it could act as any signer or organiser.
 */
export const devRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { store } = deps.services;
  // This plugin's routes only. 404, not 403: elsewhere the outbox does not exist.
  app.addHook('onRequest', async (request) => {
    if (!fromThisMachine(request)) throw new AppError('NOT_FOUND', 'There is nothing at this address.');
  });
  app.get('/dev/outbox', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(renderPage(<OutboxPage mails={await store.listOutbox(100)} />));
  });
  app.get<{ Params: { id: string } }>('/dev/outbox/:id', async (request, reply) => {
    const mail = /^\d{1,12}$/.test(request.params.id) ? await store.findOutboxMail(Number(request.params.id)) : undefined;
    if (!mail) throw new AppError('NOT_FOUND', 'There is no such mail.');
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(renderPage(<OutboxMailPage mail={mail} />));
  });
  app.get('/dev/outbox.json', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const mails = await store.listOutbox(100);
    return mails.map((m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null }));
  });
};

/**
 * A request made on this machine, to this machine: its connection comes from a loopback address
 * (the socket's, never X-Forwarded-For, which anyone can write); no proxy passed it on (a proxy on
 * this machine connects from loopback for everyone); and it names a loopback host, which a page
 * elsewhere cannot make a browser send (DNS rebinding: evil.example resolving to 127.0.0.1).
 */
function fromThisMachine(request: FastifyRequest): boolean {
  const remote = request.raw.socket.remoteAddress;
  if (!remote || !isLoopback(remote)) return false;
  const headers = request.headers;
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined || headers['x-real-ip'] !== undefined) return false;
  return isLoopbackHost(headers.host ?? '');
}

const isLoopback = (ip: string): boolean => ipaddr.isValid(ip) && ipaddr.process(ip).range() === 'loopback';

/** "localhost", "*.localhost" (RFC 6761), 127.0.0.0/8 or [::1], with or without a port. */
function isLoopbackHost(host: string): boolean {
  const name = (host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '')).toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || isLoopback(name);
}
