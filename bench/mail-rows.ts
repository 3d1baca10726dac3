/**
 * The mail rows of `npm run bench`: a bare sender to the delaying relay (the baseline, once per run:
 * the app's SmtpMailer alone; then, for comparison, a nodemailer pool composing each message), then
 * on each engine the signer's journey at each arrival rate and the drain of a backlog, each against
 * a server of its own on a database of its own, so no row inherits another's undelivered mail.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bareSender } from './mail-baseline.ts';
import { backlogDrain } from './mail-drain.ts';
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
        if (!db) return false;
        try {
          take(await row(db.url));
        } finally {
          await db.drop();
        }
        return true;
      };
      let reachable = true;
      if (o.journeys)
        for (const rate of MAIL.journeyRates)
          reachable &&= await run(`journey${rate}`, (url) => signerJourney({ label: engine.label, databaseUrl: url, slug: o.slug, rate, relay }));
      if (o.drains && reachable) reachable = await run('drain', (url) => backlogDrain({ label: engine.label, databaseUrl: url, relay }));
      if (!reachable) checks.push(`${engine.label} not reachable: its mail rows skipped`);
    }
    if (relay.fallbacks() > 0) checks.push(`the relay parsed ${relay.fallbacks()} messages in full to find their link`);
    return { loadAtStart, baseline: bare.row, rows, checks, failed };
  } finally {
    await relay.stop();
  }
}

const fixed = (x: number | undefined, digits = 0) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(digits));

export function printMailTable(results: MailResults): void {
  const base = results.baseline.mailsPerSecond;
  console.log(
    `\nMail: the relay (its own process) accepts each message ${MAIL.delayMs} ms after it is in; ${MAIL.concurrency} connections for the bare sender ` +
      `(MAIL_CONCURRENCY, also given to the server${MAIL.ratePerSecond ? `, with MAIL_RATE_PER_SECOND=${MAIL.ratePerSecond}` : ''}); ` +
      `journeys open loop for ${MAIL.journeySeconds} s, stragglers awaited ${MAIL.deadlineMs / 1000} s; drains awaited ${MAIL.drainDeadlineMs / 1000} s. ` +
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
