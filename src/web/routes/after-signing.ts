import type { FastifyBaseLogger } from 'fastify';
import type { AfterSigning } from '../../services/sign-petition.ts';
import { signRateLimit } from './rate-limits.ts';

/**
 * Route config of both sign routes (form and API): paused by the signing switch, and leaving cached
 * reads alone (each commit reports its count move to the cache itself).
 */
export const SIGN_ROUTE = { ...signRateLimit, pause: 'signing', keepsReads: true } as const;

/** What the sign routes (form and API) hand signPetition for the work after the answer: made once per route set. */
export const afterSigning = (log: FastifyBaseLogger): AfterSigning => ({
  // The signature is committed and answered; only this courtesy mail is lost.
  failed: (error) => log.error({ err: error }, 'an "already signed" mail was not queued'),
});
