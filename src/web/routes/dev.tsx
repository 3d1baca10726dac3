import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { renderPage } from '../render.ts';
import { OutboxMailPage, OutboxPage } from '../views/simple-pages.tsx';

/** The development outbox: mail kept in the database when no SMTP server is configured. Never in production. */
export const devRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { store } = deps.services;
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
