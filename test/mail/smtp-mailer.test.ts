import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { confirmSignatureMail } from '../../src/mail/confirm-signature.tsx';
import { magicLinkMail } from '../../src/mail/magic-link.tsx';
import { moderationDecisionMail } from '../../src/mail/moderation-decision.tsx';
import { petitionUpdateMail } from '../../src/mail/petition-update.tsx';
import { MailDeliveryError, SmtpMailer } from '../../src/mail/mailer.ts';
import type { OutgoingMail } from '../../src/store/records.ts';

/** What a relay was handed: the envelope, and the message exactly as its bytes arrived (dot-stuffing undone). */
interface Received {
  from: string;
  to: string[];
  smtpUtf8: boolean;
  raw: Buffer;
}

/** A real SMTP server on loopback that keeps each message's bytes, so the message itself can be read. */
async function startRawSink() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('end', () => {
        const envelope = session.envelope as typeof session.envelope & { smtpUtf8?: boolean };
        received.push({ from: (envelope.mailFrom || { address: '' }).address, to: envelope.rcptTo.map((r) => r.address), smtpUtf8: envelope.smtpUtf8 === true, raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const BASE = 'https://petitions.example.org';
const FROM = 'Подписи «Undersign» <petitions@undersign.test>';
const BODY = ['.', '..two dots', '.hidden line', `${'word '.repeat(300)}end`, 'Ж'.repeat(800), 'ends in spaces   ', 'From the start'].join('\n');
const mails: OutgoingMail[] = [
  confirmSignatureMail({ to: 'fatima@example.org', name: 'فاطمة الزهراء', kind: 'petition', petitionTitle: 'Спасите парк Горького 🌳', confirmUrl: `${BASE}/signatures/confirm/abc`, yourDataUrl: `${BASE}/signatures/yours/abc` }),
  petitionUpdateMail({ to: 'keen@example.org', type: 'update', petitionTitle: 'أنقذوا حديقة الحي', petitionUrl: `${BASE}/petitions/p`, text: BODY, link: null, unsubscribeUrl: `${BASE}/unsubscribe/tok` }),
  magicLinkMail({ to: 'org@example.org', link: `${BASE}/auth/tok`, petitionTitle: 'Save the bees 🐝🌻', validForHours: 24 }),
  moderationDecisionMail({ to: 'org@example.org', decision: 'hide', kind: 'petition', petitionTitle: 'Fix the bridge\r\nBcc: evil@example.org', petitionUrl: `${BASE}/petitions/q`, reason: BODY }),
  { kind: 'x', to: 'пётр@example.org', subject: `Petition ${'w'.repeat(1100)}`, text: 'Hi', html: '<p>Hi</p>' },
];

describe('SmtpMailer through a real SMTP server', () => {
  let sink: Awaited<ReturnType<typeof startRawSink>>;
  let mailer: SmtpMailer;
  before(async () => {
    sink = await startRawSink();
    mailer = new SmtpMailer(sink.url, FROM, 4);
    await Promise.all(mails.map((m) => mailer.send(m)));
  });
  after(async () => {
    mailer?.close();
    await sink?.close();
  });

  test('every mail arrives once, to its own address, from MAIL_FROM’s', () => {
    assert.deepEqual(sink.received.map((r) => r.to).sort(), mails.map((m) => [m.to]).sort());
    for (const r of sink.received) assert.equal(r.from, 'petitions@undersign.test');
    assert.deepEqual(sink.received.filter((r) => r.smtpUtf8).map((r) => r.to), [['пётр@example.org']], 'SMTPUTF8 only for the address that needs it');
  });

  test('each reads as its template wrote it: subject, names in any script, both bodies, dots at line starts, the unsubscribe headers', async () => {
    const parsed = await Promise.all(sink.received.map((r) => simpleParser(r.raw)));
    for (const mail of mails) {
      const subject = mail.subject.replace(/[\r\n]+/g, ' ');
      const got = parsed.filter((p) => p.subject === subject);
      assert.equal(got.length, 1, `one mail with the subject “${subject.slice(0, 40)}”`);
      const [m] = got as [ParsedMail];
      assert.equal(m.text, mail.text.replace(/\r\n?/g, '\n'));
      assert.equal(m.html, mail.html.replace(/\r\n?/g, '\n'));
      assert.deepEqual(m.from?.value, [{ address: 'petitions@undersign.test', name: 'Подписи «Undersign»' }]);
      assert.deepEqual((m.to as AddressObject).value, [{ address: mail.to, name: '' }]);
      assert.equal(m.bcc, undefined);
      if (mail.headers) assert.deepEqual(m.headers.get('list'), { unsubscribe: { url: `${BASE}/unsubscribe/tok` }, 'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' } });
    }
  });

  test('the relay gets the message as composed: nodemailer adds no header of its own', () => {
    for (const r of sink.received) {
      const head = r.raw.toString('utf8').split('\r\n\r\n')[0]!.split('\r\n').filter((l) => !/^[ \t]/.test(l)).map((l) => l.slice(0, l.indexOf(':')));
      const own = head.includes('List-Unsubscribe') ? ['List-Unsubscribe', 'List-Unsubscribe-Post'] : [];
      assert.deepEqual(head, ['From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version', ...own, 'Content-Type']);
    }
  });

  test('what the relay gets keeps RFC 5322’s line limit, even for a subject of one 1,100-character word', () => {
    for (const r of sink.received) for (const line of r.raw.toString('utf8').split('\r\n')) assert.ok(line.length <= 998, `a line of ${line.length} octets`);
  });

  test('each message’s boundary starts with "=_", which quoted-printable and base64 never write, so no part can hold it', () => {
    for (const r of sink.received) assert.match(r.raw.toString('utf8'), /boundary="=_[^"]+"/);
  });

  test('an address that would name other recipients is refused as the message’s fault, and nothing is sent', async () => {
    for (const to of ['victim@example.org\r\nBcc: evil@example.org', 'victim@example.org, evil@example.org', 'Victim <victim@example.org>']) {
      const error = await mailer.send({ ...mails[0]!, to }).catch((e: unknown) => e);
      assert.ok(error instanceof MailDeliveryError, JSON.stringify(to));
      assert.equal(error.stage, 'message');
      assert.equal(error.responseCode, undefined);
    }
    assert.equal(sink.received.length, mails.length, 'nothing more reached the relay');
  });
});
