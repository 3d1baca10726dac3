import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../store/records.ts';

/** Admin pages hold per-visitor data and tokens: never cached, anywhere. */
export const adminHtml = (reply: FastifyReply, body: string, status = 200) =>
  reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

/** The staff member of a request inside the admin area (the guard has already checked there is one). */
export type StaffOf = (request: FastifyRequest) => User;
