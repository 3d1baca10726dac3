import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import { loadConfig } from '../../src/config.ts';
import { postgresAvailable, postgresDatabase, testEngines } from '../support/engines.ts';
import { spawnServer } from '../support/child-server.ts';
import { startSmtpSink } from '../support/smtp.ts';

/*
 * Delivery across real server processes: one killed mid-send, and two sharing one PostgreSQL outbox.
 * A mail may go twice only if the process that sent it died before recording it; none is ever lost.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const recipient = (m: ParsedMail): string => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';
const CONCURRENCY = 8;

async function queueMail(databaseUrl: string, n: number, tag: string): Promise<void> {
  const store = await openStore(openEngine(databaseUrl));
  try {
    const mails = Array.from({ length: n }, (_, i) => ({ kind: 'confirm-signature', to: `${tag}-${i}@example.org`, subject: `Mail ${i}`, text: 'Hello', html: '<p>Hello</p>' }));
    await store.enqueueMail(mails, new Date());
  } finally {
    await store.close();
  }
}

async function unsentMail(databaseUrl: string): Promise<number> {
  const { db } = openEngine(databaseUrl);
  try {
    const row = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await db.destroy();
  }
}

/** Ids of unsent mail leased to the process with this pid (worker names hold it: host:pid:random). */
async function unsentHeldBy(databaseUrl: string, pid: number): Promise<number[]> {
  const { db } = openEngine(databaseUrl);
  try {
    const rows = await db.selectFrom('outbox').select('id').where('claimed_by', 'like', `%:${pid}:%`).where('sent_at', 'is', null).execute();
    return rows.map((r) => r.id);
  } finally {
    await db.destroy();
  }
}

async function allSent(databaseUrl: string, ids: number[]): Promise<boolean> {
  const { db } = openEngine(databaseUrl);
  try {
    const rows = await db.selectFrom('outbox').select('id').where('id', 'in', ids).where('sent_at', 'is not', null).execute();
    return rows.length === ids.length;
  } finally {
    await db.destroy();
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

for (const { engine, skip, create } of await testEngines()) {
  describe(`mail survives a delivery process killed mid-send (${engine})`, { skip }, () => {
    test('after SIGKILL nothing is lost, and nothing but what was in flight goes twice', { timeout: 120_000 }, async () => {
      const db = await create();
      const smtp = await startSmtpSink(0, { delayMs: 30 });
      const env = { DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_CONCURRENCY: String(CONCURRENCY), MAIL_LEASE_SECONDS: '5' };
      try {
        await queueMail(db.url, 300, 'kill');
        const first = await spawnServer(env);
        await waitFor(() => smtp.messages.length >= 60, 'the first process delivers', 30_000);
        first.child.kill('SIGKILL');
        await first.exited;
        const second = await spawnServer(env);
        try {
          // What the dead process had leased comes back when its lease ends (5 s here).
          await waitFor(() => new Set(smtp.messages.map(recipient)).size === 300, 'every mail arrives', 60_000);
          await waitFor(async () => (await unsentMail(db.url)) === 0, 'every mail is recorded as sent', 10_000);
        } finally {
          second.child.kill('SIGTERM');
          await second.exited;
        }
        const twice = smtp.messages.length - 300;
        // In flight (one per slot) and sent in the last moments before the kill, not yet written down.
        assert.ok(twice <= 2 * CONCURRENCY, `${twice} mails went twice`);
      } finally {
        await smtp.close();
        await db.drop();
      }
    });
  });
}

describe('two processes share one PostgreSQL outbox', { skip: !(await postgresAvailable()) && 'PostgreSQL not reachable' }, () => {
  test('each mail leaves exactly once, whichever process takes it', { timeout: 120_000 }, async () => {
    const db = await postgresDatabase();
    const smtp = await startSmtpSink(0, { delayMs: 5 });
    const env = { DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_CONCURRENCY: String(CONCURRENCY) };
    try {
      const servers = [await spawnServer(env), await spawnServer(env)];
      try {
        await queueMail(db.url, 400, 'shared');
        await waitFor(() => smtp.messages.length >= 400, 'every mail arrives', 60_000);
        await waitFor(async () => (await unsentMail(db.url)) === 0, 'every mail is recorded as sent', 10_000);
        await sleep(500);
      } finally {
        for (const s of servers) s.child.kill('SIGTERM');
        await Promise.all(servers.map((s) => s.exited));
      }
      const to = smtp.messages.map(recipient);
      assert.equal(to.length, 400, 'nothing sent twice');
      assert.equal(new Set(to).size, 400, 'nothing lost');
    } finally {
      await smtp.close();
      await db.drop();
    }
  });

  test('one of them SIGKILLed mid-send: the other sends what it held within about the lease, each mail at most once more', { timeout: 120_000 }, async (t) => {
    // The default lease, as deployed: the dead process's mail waits out at most this (decision 0042).
    const leaseMs = loadConfig({ NODE_ENV: 'test' }).mailLeaseMs;
    const db = await postgresDatabase();
    // A slow relay, so that the killed process has mail leased and in flight.
    const smtp = await startSmtpSink(0, { delayMs: 100 });
    const env = { DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_CONCURRENCY: String(CONCURRENCY) };
    try {
      const doomed = await spawnServer(env);
      const survivor = await spawnServer(env);
      try {
        await queueMail(db.url, 600, 'orphan');
        await waitFor(() => smtp.messages.length >= 100, 'both processes deliver', 30_000);
        await waitFor(async () => (await unsentHeldBy(db.url, doomed.child.pid!)).length > 0, 'the first process holds mail', 10_000);
        doomed.child.kill('SIGKILL');
        await doomed.exited;
        const killedAt = Date.now();
        const orphans = await unsentHeldBy(db.url, doomed.child.pid!);
        assert.ok(orphans.length > 0, 'the killed process held unsent mail');
        await waitFor(() => allSent(db.url, orphans), 'the killed process’s mail is sent by the other', leaseMs + 30_000);
        const took = Date.now() - killedAt;
        t.diagnostic(`${orphans.length} mails held by the killed process, all sent ${took} ms after the kill; ${smtp.messages.length} messages so far`);
        assert.ok(took < leaseMs + 5000, `the killed process's ${orphans.length} mails were sent ${took} ms after the kill (lease ${leaseMs} ms)`);
        await waitFor(() => new Set(smtp.messages.map(recipient)).size === 600, 'every mail arrives', 30_000);
        await waitFor(async () => (await unsentMail(db.url)) === 0, 'every mail is recorded as sent', 10_000);
      } finally {
        survivor.child.kill('SIGTERM');
        await survivor.exited;
      }
      const times = new Map<string, number>();
      for (const to of smtp.messages.map(recipient)) times.set(to, (times.get(to) ?? 0) + 1);
      assert.ok([...times.values()].every((n) => n <= 2), 'no mail went more than once more');
      const twice = smtp.messages.length - 600;
      // Only what the killed process had in flight, or had sent and not yet written down.
      assert.ok(twice <= 2 * CONCURRENCY, `${twice} mails went twice`);
    } finally {
      await smtp.close();
      await db.drop();
    }
  });
});
