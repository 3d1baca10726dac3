/**
 * A real SMTP server on loopback that takes RELAY_DELAY_MS (50) to accept each message, as a slow
 * provider does, run as its own process (forked by bench/mail-relay.ts) so that its work is neither
 * the server's nor the load generator's. It tells its parent, over the fork's IPC channel, each mail
 * it accepted: the recipient, the confirmation link of the plain-text part (or null) and the time.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** [recipient, confirmation link or null, epoch ms when the relay accepted it]. */
export type RelayedMail = [to: string, link: string | null, at: number];
export type RelayReport = { type: 'ready'; port: number } | { type: 'mails'; mails: RelayedMail[]; fallbacks: number };

const DELAY_MS = Number(process.env.RELAY_DELAY_MS ?? 50);
const LINK = /https?:\/\/[^\s"'<>]+\/signatures\/confirm\/[A-Za-z0-9._~-]+/;

/**
 * The confirmation link, read from the raw message without parsing it: the plain-text part comes
 * first, and its quoted-printable soft breaks (`=` at a line's end) are undone before searching.
 * Null when there is none in that form (a base64 part, say); the caller then parses the message.
 */
export function quickConfirmationLink(raw: string): string | null {
  const match = LINK.exec(raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '='));
  return match ? match[0] : null;
}

const now = () => performance.timeOrigin + performance.now();

// Reports go to the parent a few milliseconds apart, many per message, so IPC costs little per mail.
let pending: RelayedMail[] = [];
let fallbacks = 0;
let flushTimer: NodeJS.Timeout | null = null;
function report(mail: RelayedMail): void {
  pending.push(mail);
  flushTimer ??= setTimeout(() => {
    flushTimer = null;
    const mails = pending;
    pending = [];
    process.send?.({ type: 'mails', mails, fallbacks } satisfies RelayReport);
  }, 5);
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => {
      const to = session.envelope.rcptTo[0]?.address ?? '';
      const raw = Buffer.concat(chunks);
      // The wait starts once the whole message is in, as a provider's checks would.
      setTimeout(async () => {
        const text = raw.toString('latin1');
        let link = quickConfirmationLink(text);
        if (link === null && /^Content-Transfer-Encoding:\s*base64/im.test(text)) {
          // A part the quick look cannot read: a parse tells for sure, and is counted.
          fallbacks++;
          const parsed = await simpleParser(raw).catch(() => null);
          link = parsed?.text?.match(LINK)?.[0] ?? null;
        }
        callback();
        report([to, link, now()]);
      }, DELAY_MS);
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as AddressInfo;
  process.send?.({ type: 'ready', port } satisfies RelayReport);
});
// The parent going away (or disconnecting) ends the relay.
process.on('disconnect', () => process.exit(0));
