import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
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
});
