import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { alreadySignedMail } from '../../src/mail/already-signed.tsx';
import { confirmSignatureMail } from '../../src/mail/confirm-signature.tsx';
import { magicLinkMail } from '../../src/mail/magic-link.tsx';
import { moderationDecisionMail } from '../../src/mail/moderation-decision.tsx';
import { petitionUpdateMail } from '../../src/mail/petition-update.tsx';
import { composeMail, parseMailbox, textHeader } from '../../src/mail/mime.ts';
import { base64Lines, encodedWords, quotedPrintable } from '../../src/mail/mime-encodings.ts';
import { MODERATION_DECISIONS } from '../../src/domain/moderation.ts';
import type { OutgoingMail } from '../../src/store/records.ts';

// Every kind of mail, with what people really type: other scripts, emoji, long lines, lines that
// start with a dot, and text that tries to start a header of its own.
const BASE = 'https://petitions.example.org';
const TOKEN = 'Zq3xW8c1bT0yLr5mN2pK9sJdF4hG7vE6aQ';
const INJECTION = 'Fix the bridge\r\nBcc: evil@example.org\nX-Injected: yes';
const TITLES = [
  'Keep the Sunday opening hours of every public library in Cambridge & the surrounding villages, and fund them properly',
  'Спасите парк Горького от застройки: сохраним деревья, скамейки и детскую площадку',
  'أنقذوا حديقة الحي من الهدم — نريد مساحة خضراء لأطفالنا',
  'Save the bees 🐝🌻 plant wildflowers on every verge 🌼 for 👩‍👩‍👧 families',
  'Crème brûlée for the café: naïve façade, Zoë’s “quotes”',
  `Fix the "Mill Road" bridge <script>alert(1)</script> now & for good`,
  INJECTION,
];
const NAMES = ['Ada Lovelace', 'Ада Лавлейс', 'فاطمة الزهراء', 'Zoë 🌈 O’Brien', 'Eve\r\nBcc: evil@example.org'];
const BODY = [
  'The council meets on Monday.',
  '.',
  '..two dots',
  '.hidden line',
  `A line far too long for any mail client to show in one piece: ${'word '.repeat(300)}end`,
  'x'.repeat(1500),
  'Ж'.repeat(800),
  'ends in spaces   ',
  'a\ttab, an = sign, =3D as typed, and =?UTF-8?B?SGk=?= as typed',
  'From the start of a line',
].join('\n');
const FROMS = ['Undersign <no-reply@localhost>', 'Подписи «Undersign» <petitions@undersign.test>', '"Undersign, the petitions" <petitions@undersign.test>', 'petitions@undersign.test'];

const url = (path: string) => `${BASE}/${path}/${TOKEN}`;
const mails: OutgoingMail[] = TITLES.flatMap((title, i) => {
  const name = NAMES[i % NAMES.length]!;
  const petitionUrl = `${BASE}/petitions/p${i}`;
  return [
    ...(['petition', 'pledge'] as const).flatMap((kind) => [
      confirmSignatureMail({ to: `s${i}@example.org`, name, kind, petitionTitle: title, confirmUrl: url('signatures/confirm'), yourDataUrl: url('signatures/yours') }),
      alreadySignedMail({ to: `s${i}@example.org`, name, kind, petitionTitle: title, petitionUrl }),
    ]),
    magicLinkMail({ to: `o${i}@example.org`, link: url('auth'), petitionTitle: title, validForHours: 24 }),
    ...MODERATION_DECISIONS.map((decision) =>
      moderationDecisionMail({ to: `o${i}@example.org`, decision, kind: 'petition', petitionTitle: title, petitionUrl, reason: decision === 'approve' ? null : BODY }),
    ),
    ...(['update', 'victory'] as const).map((type) =>
      petitionUpdateMail({ to: `k${i}@example.org`, type, petitionTitle: title, petitionUrl, text: `${BODY}\n\n${name}`, link: 'https://example.org/agenda?a=1&b=2', unsubscribeUrl: url('unsubscribe') }),
    ),
  ];
});
mails.push(magicLinkMail({ to: 'n@example.org', link: url('auth'), petitionTitle: null, validForHours: 1 }));

/** What nodemailer's composer made of a mail, from what SmtpMailer gave it before (decision 0041). */
const nodemailerMessage = (m: OutgoingMail, from: string): Promise<Buffer> =>
  new MailComposer({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers }).compile().build();

/** The header block's lines, and the names of the fields it holds. */
function headerBlock(raw: string): { lines: string[]; names: string[] } {
  const lines = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
  return { lines, names: lines.filter((l) => !/^[ \t]/.test(l)).map((l) => l.slice(0, l.indexOf(':'))) };
}

/** Every header but those that differ from message to message by design. */
const stableHeaders = (m: ParsedMail) =>
  [...m.headers].filter(([k]) => !['message-id', 'date', 'content-type', 'content-transfer-encoding'].includes(k)).sort(([a], [b]) => a.localeCompare(b));

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
const asLines = (s: string) => s.replace(/\r\n?/g, '\n');

describe('our mails, composed here, read back as nodemailer’s did', () => {
  assert.equal(mails.length, TITLES.length * 11 + 1, 'every kind of mail with every title');

  for (const [i, mail] of mails.entries()) {
    const from = FROMS[i % FROMS.length]!;
    test(`${mail.kind}: ${oneLine(mail.subject).slice(0, 50)} (from ${from})`, async () => {
      const { raw, messageId } = composeMail(mail, parseMailbox(from));
      const [ours, theirs] = await Promise.all([simpleParser(raw), nodemailerMessage(mail, from).then((b) => simpleParser(b))]);

      // What the reader sees is what the template wrote, as nodemailer sent it.
      assert.equal(ours.subject, oneLine(mail.subject));
      // Text parts are lines: a CR LF or a lone CR the template let through reads back as a line break.
      assert.equal(ours.text, asLines(mail.text));
      assert.equal(ours.html, asLines(mail.html));
      assert.deepEqual(ours.from?.value, theirs.from?.value);
      assert.deepEqual((ours.to as { value: unknown }).value, [{ address: mail.to, name: '' }]);
      assert.deepEqual(ours.to, theirs.to);
      assert.equal(ours.text, theirs.text);
      assert.equal(ours.html, theirs.html);
      // nodemailer writes a typed `=?…?=` as it is, which readers then decode: ours keeps the words as typed.
      if (!mail.subject.includes('=?')) assert.equal(ours.subject, theirs.subject);
      assert.deepEqual(stableHeaders(ours), stableHeaders(theirs));
      for (const [name, value] of Object.entries(mail.headers ?? {})) {
        const line = ours.headerLines.find((l) => l.key === name.toLowerCase())?.line.replace(/\r\n(?=[ \t])/g, '');
        assert.equal(line, `${name}: ${value}`, 'the mail’s own headers, as given');
      }
      if (mail.headers) assert.deepEqual(ours.headers.get('list'), { unsubscribe: { url: url('unsubscribe') }, 'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' } });
      assert.equal(ours.messageId, messageId);
      assert.match(messageId, new RegExp(`^<[0-9a-f-]{36}@${parseMailbox(from).address.split('@')[1]!.replace(/\./g, '\\.')}>$`));
      assert.ok(Math.abs((ours.date?.getTime() ?? 0) - Date.now()) < 60_000, 'dated now');

      // The message itself: 7-bit, CRLF only, short lines, and exactly the fields we mean.
      assert.match(raw, /^[\x00-\x7f]*$/, 'no 8-bit octet');
      assert.doesNotMatch(raw, /\r(?!\n)|(?<!\r)\n/, 'every line ends in CRLF');
      const { lines, names } = headerBlock(raw);
      assert.deepEqual(names, ['From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version', ...Object.keys(mail.headers ?? {}), 'Content-Type']);
      for (const line of lines) {
        assert.ok(line.length <= 78 || (line.length <= 998 && /^(\S+: )?\S+$/.test(line.trim())), `a header line past 78 that could have been folded: ${line}`);
        assert.doesNotMatch(line, /^[ \t]*$/, 'no line of white space only');
      }
      const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      for (const line of body.split('\r\n')) assert.ok(line.length <= 76, `a body line of ${line.length}: ${line}`);
      const boundary = /boundary="([^"]+)"/.exec(raw)![1]!;
      assert.equal(body.split(boundary).length - 1, 3, 'the boundary only as the three delimiters');
    });
  }
});

describe('header injection', () => {
  test('CR and LF in a subject, a display name or a header value never start a header', async () => {
    const mail: OutgoingMail = { kind: 'x', to: 'a@example.org', subject: INJECTION, text: 'Hi', html: '<p>Hi</p>', headers: { 'List-Unsubscribe': '<https://x.example/u>\r\nBcc: evil@example.org' } };
    for (const from of ['Eve\r\nBcc: evil@example.org <no-reply@example.org>', 'Ева\r\nBcc: evil@example.org <no-reply@example.org>']) {
      const { raw } = composeMail(mail, parseMailbox(from));
      assert.deepEqual(headerBlock(raw).names, ['From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version', 'List-Unsubscribe', 'Content-Type']);
      const parsed = await simpleParser(raw);
      assert.equal(parsed.bcc, undefined);
      assert.equal(parsed.headers.get('x-injected'), undefined);
      assert.equal(parsed.subject, 'Fix the bridge Bcc: evil@example.org X-Injected: yes');
      assert.deepEqual(parsed.from?.value.map((v) => v.address), ['no-reply@example.org']);
    }
  });

  test('an address or a header name that could carry a header is refused, not sent', () => {
    const from = parseMailbox('Undersign <no-reply@example.org>');
    const mail: OutgoingMail = { kind: 'x', to: 'a@example.org', subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' };
    for (const to of ['victim@example.org\r\nBcc: evil@example.org', 'a@example.org, b@example.org', '<a@example.org>', 'a b@example.org', 'nobody'])
      assert.throws(() => composeMail({ ...mail, to }, from), /not an address/, to);
    for (const name of ['X-Bad\r\nBcc', 'Bad Name', 'Bad:Name', ''])
      assert.throws(() => composeMail({ ...mail, headers: { [name]: 'v' } }, from), /not a header name/, name);
    for (const name of ['Subject', 'from', 'Content-Type', 'MESSAGE-ID'])
      assert.throws(() => composeMail({ ...mail, headers: { [name]: 'v' } }, from), /writes .* itself/, name);
    assert.throws(() => parseMailbox('not an address at all'), /MAIL_FROM/);
  });
});

describe('the encodings, on random text in every script', () => {
  // A fixed seed: the same strings every run, so a failure can be read again.
  let seed = 20261203;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  const PIECES = ['a', 'Z', ' ', '  ', '\t', '=', '.', '-', '\r\n', '\n', '\r', 'é', 'Ж', 'ح', '中', '🐝', '👩‍👩‍👧', '\ud800', '\u0000', '=?', '?=', '~'];
  const randomText = (n: number) => Array.from({ length: n }, () => PIECES[Math.floor(random() * PIECES.length)]!).join('');
  const texts = Array.from({ length: 400 }, (_, i) => randomText(1 + (i % 200)));
  /** Text as UTF-8 in canonical form: line breaks CRLF, a lone surrogate U+FFFD. */
  const canonical = (s: string) => Buffer.from(s.replace(/\r\n|\r|\n/g, '\r\n'), 'utf8');

  test('quoted-printable decodes to the text, in lines of at most 76 that end in no white space', () => {
    for (const text of texts) {
      const qp = quotedPrintable(text);
      assert.match(qp, /^[\x20-\x7e\t\r\n]*$/);
      for (const line of qp.split('\r\n')) {
        assert.ok(line.length <= 76, `${line.length}: ${line}`);
        assert.doesNotMatch(line, /[ \t]$/);
        assert.doesNotMatch(line, /=(?![0-9A-F]{2}|$)/, `a bare '=' in ${line}`);
      }
      const decoded = Buffer.from(qp.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      assert.deepEqual(decoded, canonical(text), JSON.stringify(text));
    }
  });

  test('base64 decodes to the text, in lines of 76', () => {
    for (const text of texts) {
      const b64 = base64Lines(text);
      for (const line of b64.split('\r\n')) assert.ok(line.length <= 76);
      assert.deepEqual(Buffer.from(b64.replace(/\r\n/g, ''), 'base64'), canonical(text));
    }
  });

  test('encoded-words hold whole characters, fit their lines, and read back as the text', () => {
    for (const text of texts) {
      const value = oneLine(text);
      const header = textHeader('Subject', value);
      // Folded within 78 wherever the words allow; a word longer than that keeps a line of its own.
      for (const line of header.split('\r\n')) assert.ok(line.length <= 78 || (line.length <= 998 && /^(Subject: )?\S+$/.test(line.trim())), `${line.length}: ${line}`);
      const words = encodedWords(value, 9);
      for (const [n, line] of words.split('\r\n').entries()) assert.ok((n === 0 ? 9 : 0) + line.length <= 76, line);
      for (const word of words.match(/=\?UTF-8\?B\?[^?]*\?=/g)!) {
        const bytes = Buffer.from(word.slice(10, -2), 'base64');
        assert.ok(word.length <= 75);
        assert.deepEqual(Buffer.from(bytes.toString('utf8'), 'utf8'), bytes, 'each word decodes on its own');
      }
      const joined = Buffer.concat(words.match(/=\?UTF-8\?B\?[^?]*\?=/g)!.map((w) => Buffer.from(w.slice(10, -2), 'base64')));
      assert.deepEqual(joined, Buffer.from(value, 'utf8'));
    }
  });

  test('a subject of one 1,100-character word is still written in lines within 998', async () => {
    const mail: OutgoingMail = { kind: 'x', to: 'a@example.org', subject: `Petition ${'w'.repeat(1100)}`, text: 'Hi', html: '<p>Hi</p>' };
    const { raw } = composeMail(mail, parseMailbox('no-reply@example.org'));
    for (const line of headerBlock(raw).lines) assert.ok(line.length <= 78, line);
    assert.equal((await simpleParser(raw)).subject, mail.subject);
  });

  test('the Date header is the clock’s time in RFC 5322 form', () => {
    const { raw } = composeMail({ kind: 'x', to: 'a@example.org', subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' }, parseMailbox('no-reply@example.org'), { date: new Date('2026-12-03T06:04:02Z') });
    assert.ok(headerBlock(raw).lines.includes('Date: Thu, 03 Dec 2026 06:04:02 +0000'));
  });

  test('each message has a boundary of its own, which no part can hold', () => {
    const from = parseMailbox('no-reply@example.org');
    const mail: OutgoingMail = { kind: 'x', to: 'a@example.org', subject: 'Hi', text: '--=_ and =_ as typed\n--', html: '<p>--=_</p>' };
    const boundaries = new Set(Array.from({ length: 50 }, () => /boundary="([^"]+)"/.exec(composeMail(mail, from).raw)![1]));
    assert.equal(boundaries.size, 50);
    for (const b of boundaries) assert.match(b!, /^=_/, 'quoted-printable and base64 never write "=_"');
  });
});
