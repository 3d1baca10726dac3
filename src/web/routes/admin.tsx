import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import type { User } from '../../store/records.ts';
import { signInStaff } from '../../services/staff-sign-in.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { currentStaff, endStaffSession, startStaffSession } from '../session.ts';
import { emptyForm, type FormState } from '../views/form-fields.tsx';
import { AdminSignInPage } from '../views/admin-sign-in-page.tsx';
import { typedValues } from './forms.ts';
import { writeRateLimit } from './rate-limits.ts';
import { reviewRoutes } from './admin-review.tsx';
import { siteAdminRoutes } from './admin-site.tsx';
import { trustAdminRoutes } from './admin-trust.tsx';
import { adminHtml, type StaffOf } from './admin-html.ts';

/**
 * `/admin`: staff sign in with a password (decision 0017). Everything but signing in and out sits
 * behind a guard that sends visitors without a staff session to the sign-in page.
 */
export const adminRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services } = deps;
  const { store } = services;
  const secureCookies = deps.config.nodeEnv === 'production';

  const signInForm = (reply: FastifyReply, form: FormState, status = 200, signedOut = false) =>
    adminHtml(reply, renderPage(<AdminSignInPage form={form} csrf={reply.generateCsrf()} signedOut={signedOut} />), status);

  app.get<{ Querystring: { done?: string } }>('/admin/sign-in', async (request, reply) => {
    if (await currentStaff(request, store, services.clock())) return reply.redirect('/admin/queue', 303);
    return signInForm(reply, emptyForm(), 200, request.query.done === 'signed-out');
  });

  app.post('/admin/sign-in', { preValidation: app.csrfProtection, config: writeRateLimit }, async (request, reply) => {
    const raw = asRecord(request.body);
    try {
      const staff = await signInStaff(services, raw, { ip: request.ip });
      await startStaffSession(reply, store, staff, services.clock(), secureCookies);
      return reply.redirect('/admin/queue', 303);
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'VALIDATION_FAILED' && error.code !== 'RATE_LIMITED')) throw error;
      // The address typed comes back; the password never does.
      const { password: _password, ...values } = typedValues(raw);
      const limited = error.code === 'RATE_LIMITED';
      return signInForm(reply, { values, errors: limited ? { password: error.message } : error.fields }, limited ? 429 : 422);
    }
  });

  app.post('/admin/sign-out', { preValidation: app.csrfProtection }, async (request, reply) => {
    await endStaffSession(request, reply, store);
    return reply.redirect('/admin/sign-in?done=signed-out', 303);
  });

  await app.register(async (staffArea) => {
    const staffByRequest = new WeakMap<FastifyRequest, User>();
    // onRequest: before the CSRF check and the body, so a visitor without a session only ever sees the way to sign in.
    staffArea.addHook('onRequest', async (request, reply) => {
      const staff = await currentStaff(request, store, services.clock());
      if (!staff) return reply.header('cache-control', 'no-store').redirect('/admin/sign-in', 303);
      staffByRequest.set(request, staff);
    });
    const staffOf: StaffOf = (request) => staffByRequest.get(request)!;

    staffArea.get('/admin', async (_request, reply) => reply.redirect('/admin/queue', 303));
    reviewRoutes(staffArea, deps, staffOf);
    siteAdminRoutes(staffArea, deps, staffOf);
    trustAdminRoutes(staffArea, deps, staffOf);
  });
};
