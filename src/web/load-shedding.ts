import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `never`: answered even while the process sheds load (the health check a load balancer polls).
     * `like-writes`: a GET that completes what someone started, shed only when writes are (a
     * signature's confirmation link: refused, the signature would not count, and many never retry).
     */
    shedding?: 'never' | 'like-writes';
  }
}

/** Route config for routes that must answer however busy the process is. */
export const NEVER_SHED = { shedding: 'never' } as const;
/** Route config for a link that completes a write (decision 0036). */
export const SHED_LIKE_WRITES = { shedding: 'like-writes' } as const;

/** Seconds a shed client is asked to wait: pressure is measured every half second, a burst passes in a few. */
export const OVERLOADED_RETRY_SECONDS = 5;
/** How often the event loop's delay and utilisation are measured (each over the last interval). */
export const SAMPLE_MS = 500;
/** Writes (a signature, an organiser's update, a moderator's decision) are shed only past this many times the delay bound. */
export const WRITE_DELAY_FACTOR = 2;
const LOG_EVERY_MS = 10_000;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const OVERLOADED_MESSAGE = 'We are very busy right now and did not take this request: nothing was recorded. Please try again in a few seconds.';

/**
 * Whether a request is refused, given the bound it met (only asked while one is passed): reads always;
 * writes only while the delay is past WRITE_DELAY_FACTOR times its bound. Writes are few, carry what
 * someone typed, and cost little next to the reads of a viral page.
 */
export function shedsRequest(method: string, measure: { delayMs: number } | { utilisation: number }, delayBoundMs: number): boolean {
  if (READS.has(method)) return true;
  return 'delayMs' in measure && delayBoundMs > 0 && measure.delayMs > WRITE_DELAY_FACTOR * delayBoundMs;
}

/**
 * Answers 503 OVERLOADED with Retry-After, in an onRequest hook (before the body is read, before
 * any handler or database work), while the event loop's mean delay over the last half second is past
 * MAX_EVENT_LOOP_DELAY_MS, or its utilisation past MAX_EVENT_LOOP_UTILIZATION. Reads go first:
 * writes only past twice the delay bound, never on utilisation. A request either is refused whole
 * or runs whole, so nothing acknowledged is lost. Routes marked NEVER_SHED (/healthz) always answer.
 * Must be registered before the routes' other onRequest work (cross-site checks, site controls).
 */
export async function installLoadShedding(app: FastifyInstance, config: Pick<Config, 'maxEventLoopDelayMs' | 'maxEventLoopUtilization'>): Promise<void> {
  const delayBound = config.maxEventLoopDelayMs;
  const utilisationBound = config.maxEventLoopUtilization ?? 0;
  if (delayBound <= 0 && utilisationBound <= 0) return;
  const overloaded = new AppError('OVERLOADED', OVERLOADED_MESSAGE);
  let lastLog = 0;
  let shedSinceLog = 0;

  const shed = (request: FastifyRequest, type: string, value: number): boolean => {
    const { shedding } = request.routeOptions.config;
    if (shedding === 'never') return false;
    const method = shedding === 'like-writes' ? 'POST' : request.method;
    return shedsRequest(method, type === underPressure.TYPE_EVENT_LOOP_DELAY ? { delayMs: value } : { utilisation: value }, delayBound);
  };

  await app.register(underPressure, {
    maxEventLoopDelay: delayBound,
    maxEventLoopUtilization: utilisationBound,
    // Utilisation over the last interval; the default, since start, would hardly move after the first hour.
    eventLoopUtilizationMode: 'interval',
    sampleInterval: SAMPLE_MS,
    // Called only while a bound is passed. Returning nothing lets the request through; a rejection
    // goes to the error handler, which answers in our shape (JSON for the API's routes, a page otherwise).
    pressureHandler: (request, reply, type, value) => {
      if (!shed(request, type, value ?? 0)) return;
      shedSinceLog++;
      if (Date.now() - lastLog >= LOG_EVERY_MS) {
        const measure = type === underPressure.TYPE_EVENT_LOOP_DELAY ? { eventLoopDelayMs: Math.round(value ?? 0), boundMs: delayBound } : { eventLoopUtilization: value, bound: utilisationBound };
        // `requests`: how many were shed since the last line, this one included.
        request.log.warn({ requests: shedSinceLog, ...measure }, 'overloaded: answering 503 OVERLOADED with Retry-After');
        lastLog = Date.now();
        shedSinceLog = 0;
      }
      reply.header('retry-after', String(OVERLOADED_RETRY_SECONDS)).header('cache-control', 'no-store');
      return Promise.reject(overloaded);
    },
  });
}
