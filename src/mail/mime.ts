/**
 * Our mails as MIME messages, written here rather than by nodemailer's composer: every mail we send
 * has one shape (a plain-text and an HTML version of one message, a few headers), and writing that
 * shape directly costs a small part of the general composer's CPU (decision 0041). Nodemailer still
 * holds the SMTP conversation: the pool, the envelope, dot-stuffing.
 *
 * What comes out: CRLF line endings; header lines folded at spaces within 78 characters where the
 * words allow, never past 998; CR and LF in a header value become a space, so no value can start a
 * header; non-ASCII header text as RFC 2047 encoded-words of whole characters; bodies
 * quoted-printable (mostly Latin text) or base64 (mostly other scripts), in lines of at most 76.
 * All of it is 7-bit ASCII, except a recipient address with a non-ASCII local part, which is
 * written as typed (RFC 6532; nodemailer then asks the relay for SMTPUTF8, as it did before).
 */
import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import type { OutgoingMail } from '../store/records.ts';
import { base64Lines, encodedWords, quotedPrintable, transferEncoding } from './mime-encodings.ts';

export interface Mailbox {
  name: string;
  address: string;
}

/** Headers the composer writes itself; a mail's own headers may not name them. */
const OWN_HEADERS = new Set(['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding']);
/** An address as our stores keep it: no space, quote, bracket or control character, one @. */
const ADDRESS = /^[^\s"(),:;<>@[\\\]\x00-\x1f\x7f]+@[^\s"(),:;<>@[\\\]\x00-\x1f\x7f]+$/;
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** Text a header may carry as it is: printable ASCII, and nothing a reader would take for an encoded-word. */
const plainAscii = (s: string) => /^[\x20-\x7e]*$/.test(s) && !s.includes('=?');
/** A display name that needs no quotes: atext and spaces (RFC 5322 phrase). */
const ATOMS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;
const SOFT_LIMIT = 78;
const HARD_LIMIT = 998;

/** The From mailbox (MAIL_FROM), read once with nodemailer's own address parser, as before. */
export function parseMailbox(value: string): Mailbox {
  const [first] = addressparser(value, { flatten: true });
  if (!first || !ADDRESS.test(first.address)) throw new Error(`MAIL_FROM is not an address: ${JSON.stringify(value)}`);
  return { name: first.name.replace(/[\r\n]+/g, ' ').trim(), address: first.address };
}

/** RFC 5322 date-time in UTC: `Thu, 03 Dec 2026 16:42:02 +0000`. */
export const mailDate = (at: Date): string => at.toUTCString().replace('GMT', '+0000');

/**
 * `Name: value` folded before a space wherever a line would pass 78 characters (never before an
 * empty word, so no line is only white space). Null when a word is too long for even 998.
 */
function fold(name: string, value: string): string | null {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}: ${words[0]}`;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word !== '' && line.length + 1 + word.length > SOFT_LIMIT) {
      lines.push(line);
      line = ` ${word}`;
    } else line += ` ${word}`;
  }
  lines.push(line);
  return lines.every((l) => l.length <= HARD_LIMIT) ? lines.join('\r\n') : null;
}

/** An unstructured header (a subject, say): as it is where it can be, else encoded-words. */
export function textHeader(name: string, value: string): string {
  if (!HEADER_NAME.test(name)) throw new Error(`not a header name: ${JSON.stringify(name)}`);
  const clean = value.replace(/[\r\n]+/g, ' ');
  return (plainAscii(clean) && fold(name, clean)) || `${name}: ${encodedWords(clean, name.length + 2)}`;
}

/** `Name <address>` for From and To: the name as atoms, a quoted string, or encoded-words. */
export function mailboxHeader(header: string, box: Mailbox): string {
  if (!ADDRESS.test(box.address)) throw new Error(`${header}: not an address: ${JSON.stringify(box.address)}`);
  const name = box.name.replace(/[\r\n]+/g, ' ').trim();
  if (name === '') return `${header}: ${box.address}`;
  const phrase = plainAscii(name) ? (ATOMS.test(name) ? name : `"${name.replace(/[\\"]/g, '\\$&')}"`) : null;
  const start = phrase !== null && header.length + 2 + phrase.length <= HARD_LIMIT ? `${header}: ${phrase}` : `${header}: ${encodedWords(name, header.length + 2)}`;
  const angle = `<${box.address}>`;
  const lastLine = start.slice(start.lastIndexOf('\n') + 1);
  return `${start}${lastLine.length + 1 + angle.length > SOFT_LIMIT ? '\r\n' : ''} ${angle}`;
}

function part(type: 'plain' | 'html', content: string): string {
  const encoding = transferEncoding(content);
  const body = encoding === 'base64' ? base64Lines(content) : quotedPrintable(content);
  return `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}`;
}

export interface ComposeOptions {
  /** The Date header; now by default. */
  date?: Date;
}

export interface ComposedMail {
  /** The Message-ID, angle brackets and all, as written in the message. */
  messageId: string;
  /** The whole message, ready for SMTP DATA (nodemailer dot-stuffs it). */
  raw: string;
}

/**
 * The whole message for one mail. The boundary begins `=_`, which quoted-printable and base64
 * output cannot hold, so no part can end the message early whatever its text; the random rest
 * keeps it unique besides.
 */
export function composeMail(mail: OutgoingMail, from: Mailbox, options: ComposeOptions = {}): ComposedMail {
  const boundary = `=_${randomUUID()}`;
  const fromDomain = from.address.slice(from.address.lastIndexOf('@') + 1);
  const messageId = `<${randomUUID()}@${/^[A-Za-z0-9.-]+$/.test(fromDomain) ? fromDomain : 'undersign.invalid'}>`;
  const head = [
    mailboxHeader('From', from),
    mailboxHeader('To', { name: '', address: mail.to }),
    textHeader('Subject', mail.subject),
    `Date: ${mailDate(options.date ?? new Date())}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
  ];
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    if (OWN_HEADERS.has(name.toLowerCase())) throw new Error(`the composer writes ${name} itself`);
    head.push(textHeader(name, value));
  }
  head.push(`Content-Type: multipart/alternative;\r\n boundary="${boundary}"`);
  const raw = `${head.join('\r\n')}\r\n\r\n--${boundary}\r\n${part('plain', mail.text)}\r\n--${boundary}\r\n${part('html', mail.html)}\r\n--${boundary}--\r\n`;
  return { messageId, raw };
}
