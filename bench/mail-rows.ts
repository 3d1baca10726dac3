/**
 * The mail rows of `npm run bench`: a bare sender to the delaying relay (the baseline, once per run:
 * the app's SmtpMailer alone; then, for comparison, a nodemailer pool composing each message), then
 * on each engine the signer's journey at each arrival rate, the same journey with a bulk update
 * queued (BENCH_BULK mails) beside the plain one at its rate, and the drain of a backlog, each against
 * a server of its own on a database of its own, so no row inherits another's undelivered mail.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bareSender } from './mail-baseline.ts';
import { backlogDrain, fillOutbox } from './mail-drain.ts';
import { signerJourney } from './mail-journey.ts';
import { startRelay } from './mail-relay.ts';
import { MAIL, type MailOutcome, type MailRow } from './mail-settings.ts';

export interface Database {
  url: string;
  drop(): Promise<void>;
}

export interface MailRowsOptions {
  slug: string;
  /** A directory for SQLite files. */
  sqliteDir: string;
  /** A new PostgreSQL database, or null when PostgreSQL is not reachable. */
  postgresDatabase(suffix: string): Promise<Database | null>;
  journeys: boolean;
  drains: boolean;
}

export interface MailResults {
  /** The machine's load average (1 minute) when the mail rows began. */
  loadAtStart: number;
  baseline: MailRow;
  rows: MailRow[];
  checks: string[];
  failed: boolean;
}

export async function mailRows(o: MailRowsOptions): Promise<MailResults> {
  const loadAtStart = loadavg()[0]!;
  const relay = await startRelay(MAIL.delayMs);
  const rows: MailRow[] = [];
  const checks: string[] = [];
  let failed = false;
  const take = (outcome: MailOutcome) => {
    rows.push(outcome.row);
    checks.push(outcome.check);
    failed ||= !outcome.ok;
  };
  try {
    const bare = await bareSender(relay, 'app');
    take(bare);
    take(await bareSender(relay, 'nodemailer'));
    const all: Array<{ label: string; database(suffix: string): Promise<Database | null> }> = [
      { label: 'SQLite', database: async (suffix) => ({ url: join(o.sqliteDir, `mail-${suffix}.sqlite`), drop: async () => {} }) },
      { label: 'PostgreSQL', database: (suffix) => o.postgresDatabase(`mail_${suffix}`) },
    ];
    for (const engine of all.filter((e) => MAIL.engines.includes(e.label.toLowerCase()))) {
      const run = async (suffix: string, row: (url: string) => Promise<MailOutcome>) => {
        const db = await engine.database(suffix);
        if (!db) return null;
        try {
          const outcome = await row(db.url);
          take(outcome);
          return outcome;
        } finally {
          await db.drop();
        }
      };
      const journey = (rate: number) => run(`journey${rate}`, (url) => signerJourney({ label: engine.label, databaseUrl: url, slug: o.slug, rate, relay }));
      let reachable = true;
      const plain = new Map<number, MailOutcome>();
      if (o.journeys)
        for (const rate of MAIL.journeyRates) {
          const outcome = reachable ? await journey(rate) : null;
          if (outcome) plain.set(rate, outcome);
          else reachable = false;
        }
      if (o.journeys && reachable && MAIL.bulk > 0) {
        const without = plain.get(MAIL.bulkRate) ?? (await journey(MAIL.bulkRate));
        const bulk = { prefix: `bulk-${engine.label.toLowerCase()}-`, size: MAIL.bulk };
        const withBulk = without && (await run('bulk', async (url) => {
          await fillOutbox(url, bulk.prefix, bulk.size);
          return signerJourney({ label: engine.label, databaseUrl: url, slug: o.slug, rate: MAIL.bulkRate, relay, bulk });
        }));
        if (without && withBulk) checks.push(bulkCost(engine.label, without.row, withBulk.row));
        else reachable = false;
      }
      if (o.drains && reachable) reachable = (await run('drain', (url) => backlogDrain({ label: engine.label, databaseUrl: url, relay }))) !== null;
      if (!reachable) checks.push(`${engine.label} not reachable: its mail rows skipped`);
    }
    if (relay.fallbacks() > 0) checks.push(`the relay parsed ${relay.fallbacks()} messages in full to find their link`);
    return { loadAtStart, baseline: bare.row, rows, checks, failed };
  } finally {
    await relay.stop();
  }
}

/** Issue 13's goal: during a 100,000-signer update mailing, a new signer's p95 wait rises by less than 1 s. */
const BULK_GOAL_MS = 1000;

/** What the queued update cost a new signer: both p95 waits and their difference, in the row's notes and a check line. */
function bulkCost(label: string, without: MailRow, withBulk: MailRow): string {
  const before = without.wait?.p95 ?? NaN;
  const after = withBulk.wait?.p95 ?? NaN;
  const rise = after - before;
  const sign = rise >= 0 ? '+' : '';
  withBulk.notes = `p95 wait ${sign}${rise.toFixed(0)} ms against the same journey with no update queued (${before.toFixed(0)} ms); ${withBulk.notes}`;
  const verdict = Number.isNaN(rise) ? 'no figure' : rise < BULK_GOAL_MS ? 'met' : 'NOT met';
  return (
    `${label}, bulk update's cost to a new signer at ${withBulk.offeredPerSecond}/s: p95 wait ${after.toFixed(0)} ms with ${MAIL.bulk} update mails queued, ` +
    `${before.toFixed(0)} ms without, ${sign}${rise.toFixed(0)} ms (goal: under ${BULK_GOAL_MS} ms more): ${verdict}`
  );
}

const fixed = (x: number | undefined, digits = 0) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(digits));

export function printMailTable(results: MailResults): void {
  const base = results.baseline.mailsPerSecond;
  console.log(
    `\nMail: the relay (its own process) accepts each message ${MAIL.delayMs} ms after it is in; ${MAIL.concurrency} connections for the bare sender ` +
      `(MAIL_CONCURRENCY, also given to the server${MAIL.ratePerSecond ? `, with MAIL_RATE_PER_SECOND=${MAIL.ratePerSecond}` : ''}); ` +
      `journeys open loop for ${MAIL.journeySeconds} s, stragglers awaited ${MAIL.deadlineMs / 1000} s` +
      `${MAIL.bulk > 0 ? `; the bulk row queues ${MAIL.bulk} update mails before its journey at ${MAIL.bulkRate}/s` : ''}; drains awaited ${MAIL.drainDeadlineMs / 1000} s. ` +
      `Ratios are to the bare sender of this run (${base.toFixed(0)} mails/s). ${new Date().toISOString()}; load average ${results.loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.\n`,
  );
  console.log('| mail row | arrivals/s offered | acknowledged | delivered | mails/s | ratio to bare sender | wait p50 ms | wait p95 ms | wait max ms | counted/s | not delivered within the deadline | notes |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results.rows) {
    console.log(
      `| ${r.name} | ${fixed(r.offeredPerSecond)} | ${r.acknowledged ?? ''} | ${r.delivered} | ${r.mailsPerSecond.toFixed(0)} | ${(r.mailsPerSecond / base).toFixed(2)} | ` +
        `${fixed(r.wait?.p50)} | ${fixed(r.wait?.p95)} | ${fixed(r.wait?.max)} | ${fixed(r.countedPerSecond)} | ${r.expected - r.delivered} | ${r.notes} |`,
    );
  }
}
