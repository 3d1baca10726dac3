import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DEFAULT_SIGNING_LIMITS, type SigningLimits } from './domain/signer-limits.ts';
import { parseAllowlist, type Allowlist } from './domain/allowlist.ts';

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  databaseUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  /** Messages in flight to the relay at once, one SMTP connection each. */
  mailConcurrency: number;
  /** The relay's quota in messages a second; null when it has none. */
  mailRatePerSecond: number | null;
  /** How long a lease on mail lasts unless its worker renews it: a dead worker's mail waits this long. */
  mailLeaseMs: number;
  redisUrl: string | null;
  signatureConfirmation: 'email' | 'none';
  rateLimit: boolean;
  trustProxy: string | null;
  /** How long a request (headers and body) may take to arrive before its connection is closed. */
  requestTimeoutMs: number;
  dbStartTimeoutMs: number;
  /** How long a connection may sit with nothing sent either way before it is closed. */
  connectionTimeoutMs: number;
  /** Open connections one process keeps; more are closed as they arrive. */
  maxConnections: number;
  /** Mean event-loop delay (ms, each half second) past which reads are answered 503 OVERLOADED, writes past twice it; 0: never. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation (between 0 and 1, each half second) past which reads are answered 503 OVERLOADED; null: never. */
  maxEventLoopUtilization: number | null;
  /** Live-count streams one client address may hold open on one process; more are answered 429. */
  liveStreamsPerClient: number;
  /** How long a stop (SIGTERM, SIGINT) may take before the process exits anyway, non-zero (decision 0038). */
  shutdownTimeoutMs: number;
  /** Threads drawing share cards, off the main thread (decision 0039). */
  shareCardThreads: number;
  /** Share cards one client address may have drawn a minute (cards already drawn are not counted). */
  shareCardDrawsPerClient: number;
  sessionSecret: string;
  demo: boolean;
  moderation: 'post' | 'pre';
  mapTileUrl: string;
  logLevel: string;
  signingLimits: SigningLimits;
  /** Networks and domains never flagged for volume (a campus, an office). */
  allowlist: Allowlist;
  /** Days after a petition closes when its signers' personal data is removed. */
  anonymiseAfterDays: number;
}

export const DEFAULT_DATABASE_URL = './data/undersign.sqlite';
const OSM_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads every setting once, and fails with the full list of problems rather than the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = env[name];
    if (!raw) return null;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) problems.push(`${name} must use ${protocols.join(' or ')}`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const nodeEnv = oneOf('NODE_ENV', ['development', 'production', 'test'], 'development');
  const portRaw = env.PORT ?? '3000';
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number (got "${portRaw}")`);
  const baseUrl = (url('BASE_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const sessionSecret = env.SESSION_SECRET ?? '';
  if (nodeEnv === 'production' && sessionSecret.length < 32) problems.push('SESSION_SECRET is required in production (32 characters or more)');
  const mapTileUrl = env.MAP_TILE_URL || OSM_TILES;
  if (!/^https?:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}/.test(mapTileUrl)) problems.push('MAP_TILE_URL must be an http(s) URL with {z}, {x} and {y}');
  const count = (name: string, fallback: number, min = 1): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^\d+$/.test(raw) && Number(raw) >= min) return Number(raw);
    problems.push(`${name} must be a whole number of at least ${min} (got "${raw}")`);
    return fallback;
  };
  const fraction = (name: string): number | null => {
    const raw = env[name];
    if (raw === undefined || raw === '' || raw === '0' || raw === 'off') return null;
    if (/^(0?\.\d+)$/.test(raw) && Number(raw) > 0 && Number(raw) < 1) return Number(raw);
    problems.push(`${name} must be a fraction between 0 and 1, such as 0.98, or off (got "${raw}")`);
    return null;
  };
  const allowlist = parseAllowlist(env.SIGN_ALLOWLIST ?? '');
  problems.push(...allowlist.problems.map((p) => `SIGN_ALLOWLIST: ${p}`));
  const demoRaw = env.DEMO;
  if (demoRaw !== undefined && !['0', '1', 'on', 'off', 'true', 'false'].includes(demoRaw)) problems.push('DEMO must be 0 or 1');

  const config: Config = {
    nodeEnv,
    port,
    host: env.HOST || '127.0.0.1',
    baseUrl,
    databaseUrl,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Undersign <no-reply@localhost>',
    // 64 in flight keeps about 1,000 messages a second moving through a relay that takes 50 ms each.
    mailConcurrency: count('MAIL_CONCURRENCY', 64),
    mailRatePerSecond: env.MAIL_RATE_PER_SECOND ? count('MAIL_RATE_PER_SECOND', 1) : null,
    // Renewed every quarter lease while held (decision 0042): 15 s rides out a few slow or failed
    // writes, and is how long a killed process's mail waits for another.
    mailLeaseMs: count('MAIL_LEASE_SECONDS', 15, 5) * 1000,
    redisUrl,
    signatureConfirmation: oneOf('SIGNATURE_CONFIRMATION', ['email', 'none'], 'email'),
    rateLimit: oneOf('RATE_LIMIT', ['on', 'off'], 'on') === 'on',
    trustProxy: env.TRUST_PROXY || null,
    requestTimeoutMs: count('REQUEST_TIMEOUT_SECONDS', 30) * 1000,
    // Above the live-count stream's 25 s heartbeat, and above keep-alive's 72 s, so neither is cut short.
    connectionTimeoutMs: count('CONNECTION_TIMEOUT_SECONDS', 120, 75) * 1000,
    maxConnections: count('MAX_CONNECTIONS', 10_000, 2),
    // Load shedding (web/load-shedding.ts, decision 0036): bounds measured on the 2-core machine.
    maxEventLoopDelayMs: count('MAX_EVENT_LOOP_DELAY_MS', 200, 0),
    maxEventLoopUtilization: fraction('MAX_EVENT_LOOP_UTILIZATION'),
    // How long start-up waits for an unreachable database, retrying, before it gives up.
    dbStartTimeoutMs: count('DB_START_TIMEOUT', 60) * 1000,
    // A reader has a few tabs open; a campus behind one address polls once past this (decision 0033).
    liveStreamsPerClient: count('LIVE_CONNECTIONS_PER_CLIENT', 20),
    // A process manager's stop timeout must be longer, or it kills first (docs/deploy.md, stopping).
    shutdownTimeoutMs: count('SHUTDOWN_TIMEOUT', 10) * 1000,
    // One thread by default: the main thread serves everything else, on a machine of two cores (decision 0039).
    shareCardThreads: count('SHARE_CARD_THREADS', 1),
    shareCardDrawsPerClient: count('SHARE_CARD_DRAWS_PER_CLIENT', 20),
    sessionSecret: sessionSecret || randomBytes(32).toString('hex'),
    // Demo content is on for the embedded default only: an operator's PostgreSQL starts empty.
    demo: demoRaw === undefined ? !env.DATABASE_URL : ['1', 'on', 'true'].includes(demoRaw),
    moderation: oneOf('MODERATION', ['post', 'pre'], 'post'),
    mapTileUrl,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    signingLimits: {
      perAddress: count('SIGN_LIMIT_PER_ADDRESS', DEFAULT_SIGNING_LIMITS.perAddress),
      perDomain: count('SIGN_LIMIT_PER_DOMAIN', DEFAULT_SIGNING_LIMITS.perDomain),
      countryAlert: count('SIGN_ALERT_PER_COUNTRY', DEFAULT_SIGNING_LIMITS.countryAlert),
    },
    allowlist: allowlist.allowlist,
    anonymiseAfterDays: count('ANONYMISE_AFTER_DAYS', 183),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Reads ./.env into process.env when present (Node's own loader; real env wins). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
