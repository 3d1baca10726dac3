import { performance } from 'node:perf_hooks';
import { DURATION, type Server } from './support.ts';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw}: a number of at least 0, please`);
  return value;
};

/** The mail rows' knobs, all from the environment. */
export const MAIL = {
  /** How long the relay takes to accept each message. */
  delayMs: num('BENCH_MAIL_DELAY_MS', 50),
  /** Connections (messages in flight) for the bare sender; passed to the server too, which will read it. */
  concurrency: num('MAIL_CONCURRENCY', 64),
  /** Passed to the server when set; the bare sender has no limit. */
  ratePerSecond: process.env.MAIL_RATE_PER_SECOND,
  journeySeconds: num('BENCH_JOURNEY_SECONDS', DURATION),
  journeyRates: (process.env.BENCH_JOURNEY_RATES ?? '500,1000').split(',').filter((r) => r.trim() !== '').map(Number),
  /** How long, after the last arrival, the journey waits for stragglers. */
  deadlineMs: num('BENCH_MAIL_DEADLINE', 60) * 1000,
  backlog: num('BENCH_BACKLOG', 50_000),
  /** How long, after the server listens, the drain waits for its backlog. */
  drainDeadlineMs: num('BENCH_DRAIN_DEADLINE', 120) * 1000,
  baselineMails: num('BENCH_MAIL_BASELINE', 5000),
  /** Update mails queued before the bulk row's journey (issue 13: a 100,000-signer update); 0 leaves the row out. */
  bulk: num('BENCH_BULK', 100_000),
  /** The bulk row's arrival rate, compared with the plain journey at the same rate in the same run. */
  bulkRate: num('BENCH_BULK_RATE', 500),
  /** Which engines get mail rows: `sqlite`, `postgresql` or both (comma-separated). */
  engines: (process.env.BENCH_MAIL_ENGINES ?? 'sqlite,postgresql').toLowerCase().split(',').map((e) => e.trim()).filter((e) => e !== ''),
};
if (!(MAIL.bulkRate > 0)) throw new Error(`BENCH_BULK_RATE=${process.env.BENCH_BULK_RATE}: a rate above 0, please`);
if (MAIL.journeyRates.some((r) => !(r > 0))) throw new Error(`BENCH_JOURNEY_RATES=${process.env.BENCH_JOURNEY_RATES}: rates above 0, comma-separated`);

/** The server's settings for the mail rows: the bench's, but signatures confirmed by email, as by default. */
export function mailServerEnv(databaseUrl: string, smtpUrl: string): Record<string, string> {
  return {
    DEMO: '1', SIGNATURE_CONFIRMATION: 'email', RATE_LIMIT: 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(40),
    DATABASE_URL: databaseUrl, SMTP_URL: smtpUrl, MAIL_CONCURRENCY: String(MAIL.concurrency),
    ...(MAIL.ratePerSecond ? { MAIL_RATE_PER_SECOND: MAIL.ratePerSecond } : {}),
  };
}

/** Milliseconds since the epoch, to a fraction: the same clock in the relay's process. */
export const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One row of the mail table; fields a row has no figure for stay undefined. */
export interface MailRow {
  name: string;
  offeredPerSecond?: number;
  acknowledged?: number;
  /** Mails the relay accepted (for the journey: of acknowledged signers, first mails only). */
  delivered: number;
  expected: number;
  mailsPerSecond: number;
  wait?: { p50: number; p95: number; max: number };
  countedPerSecond?: number;
  notes: string;
}

export interface MailOutcome {
  row: MailRow;
  check: string;
  ok: boolean;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Stops a server, killing it if it has not exited within `ms`: today's mail job finishes the pass
 * it is in before the process exits, and with a backlog that takes minutes.
 */
export async function stopWithin(server: Server, ms = 5000): Promise<'exited' | 'killed'> {
  const stopped = server.stop();
  const exited = await Promise.race([stopped.then(() => true), sleep(ms).then(() => false)]);
  if (exited) return 'exited';
  server.child.kill('SIGKILL');
  await stopped;
  return 'killed';
}
