import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';

/** One message as it goes to the relay: its envelope and its bytes, composed already (src/mail/mime.ts). */
export interface RawMessage {
  from: string;
  to: string;
  raw: string | Buffer;
}

export interface SmtpPoolOptions {
  /** SMTP_URL: smtp:// or smtps://, with user and password when the relay wants them. */
  url: string;
  /** At most this many connections, each carrying one message at a time. */
  maxConnections: number;
  /** A connection is ended politely after this many messages and a new one opened. */
  maxMessages?: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/** An error nodemailer's connection gave: its code, the SMTP command it failed at, the relay's reply code. */
type SmtpError = Error & { code?: string; command?: string; responseCode?: number };

interface Slot {
  connection: SMTPConnection;
  messages: number;
  /** False once the connection errored or ended: it is never handed a message again. */
  alive: boolean;
}

/** The relay dropped the connection, or it timed out: says nothing about the message (nodemailer's own test). */
const isConnectionFault = (e: SmtpError) => e.responseCode === 421 || e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'ETIMEDOUT';

/**
 * A pool of SMTP connections of our own over nodemailer's SMTPConnection (decision 0050): one
 * message at a time on each, at most `maxConnections`, handed out first come first served. It is
 * what nodemailer's pool does for us, less the Mailer around it: with a message composed already,
 * its MIME node, plugins and envelope parsing were half of the CPU a send cost.
 * Kept from nodemailer's pool, because they decide whether a message goes out once:
 * - a connection the relay closed while idle is found out at the next send, before a byte of the
 *   message is written; the message then goes out on a new connection, once;
 * - a refused recipient or message resets the session and keeps the connection;
 * - any other failure ends the connection; the error, with nodemailer's code, command and reply
 *   code, goes to the caller (SmtpMailer classifies it for the relay breaker, decision 0027).
 */
export class SmtpPool {
  private readonly options: SMTPConnection.Options;
  private readonly auth: SMTPConnection.Credentials | null;
  private readonly maxMessages: number;
  private readonly idle: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly slots = new Set<Slot>();
  /** Sends under way, each ended with an error if the pool closes under it. */
  private readonly inFlight = new Set<(error: SmtpError) => void>();
  private permits: number;
  private closed = false;

  constructor(options: SmtpPoolOptions) {
    const parsed = parseConnectionUrl(options.url) as SMTPConnection.Options & { auth?: { user?: string; pass?: string } };
    const { auth, ...connection } = parsed;
    this.auth = auth?.user ? { user: auth.user, pass: auth.pass ?? '' } : null;
    this.options = {
      ...connection,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
      logger: false,
    };
    this.permits = options.maxConnections;
    this.maxMessages = options.maxMessages ?? 1000;
  }

  /** Resolves once the relay accepted the message; rejects with nodemailer's error otherwise. */
  async send(message: RawMessage): Promise<void> {
    await this.permit();
    try {
      const slot = await this.take();
      const reused = slot.messages > 0;
      const outcome = await this.sendOn(slot, message);
      // Found closed at the next send: not a byte of the message went out, so it may go once more.
      if (outcome.error && reused && !outcome.started && isConnectionFault(outcome.error)) {
        const fresh = await this.connect();
        const again = await this.sendOn(fresh, message);
        if (again.error) throw again.error;
        return;
      }
      if (outcome.error) throw outcome.error;
    } finally {
      this.release();
    }
  }

  /** Ends every connection; sends in flight fail, and so does every later send. */
  close(): void {
    this.closed = true;
    for (const slot of this.slots) this.drop(slot);
    for (const end of this.inFlight) end(Object.assign(new Error('the SMTP pool closed during the send'), { code: 'ECONNECTION', command: 'CONN' }));
    for (const wake of this.waiting.splice(0)) wake();
  }

  private permit(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the SMTP pool is closed'));
    if (this.permits > 0) {
      this.permits--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push(() => (this.closed ? reject(new Error('the SMTP pool is closed')) : resolve())));
  }

  /** A permit passes straight to the next in line, so no later caller overtakes one waiting. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.permits++;
  }

  /** An idle connection that is still alive, or a new one. */
  private async take(): Promise<Slot> {
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) if (slot.alive) return slot;
    return this.connect();
  }

  private connect(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the SMTP pool is closed'));
    const connection = new SMTPConnection(this.options);
    const slot: Slot = { connection, messages: 0, alive: true };
    this.slots.add(slot);
    // Always listened to: an 'error' with no listener would end the process. While a message is in
    // flight, its callback gets the same error; while idle, the connection is simply not used again.
    connection.on('error', () => (slot.alive = false));
    connection.once('end', () => {
      slot.alive = false;
      this.slots.delete(slot);
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        this.drop(slot);
        reject(error);
      };
      const ready = () => {
        if (settled) return;
        settled = true;
        resolve(slot);
      };
      // A refused or dropped connection is reported as 'error', not to connect()'s callback.
      connection.once('error', fail);
      connection.once('end', () => fail(Object.assign(new Error('The relay closed the connection before it was ready'), { code: 'ECONNECTION', command: 'CONN' })));
      connection.connect((error) => {
        if (error) return fail(error);
        if (!this.auth || !connection.allowsAuth) return ready();
        connection.login(this.auth, (loginError) => (loginError ? fail(loginError) : ready()));
      });
    });
  }

  /** One message on one connection; the connection goes back to the idle ones if it is still good. */
  private sendOn(slot: Slot, message: RawMessage): Promise<{ error?: SmtpError; started: boolean }> {
    // A stream of one chunk, so that whether the relay got a byte of it can be told afterwards
    // (nodemailer writes the message only once MAIL FROM, RCPT TO and DATA were accepted).
    const body = new Readable({
      read() {
        this.push(message.raw);
        this.push(null);
      },
    });
    return new Promise((resolve) => {
      const end = (error: SmtpError) => {
        if (!this.inFlight.delete(end)) return;
        resolve({ error, started: body.readableDidRead });
      };
      this.inFlight.add(end);
      slot.connection.send({ from: message.from, to: [message.to] }, body, (error) => {
        if (!this.inFlight.delete(end)) return;
        slot.messages++;
        const started = body.readableDidRead;
        if (!error) {
          this.keep(slot);
          return resolve({ started });
        }
        const e = error as SmtpError;
        if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421 && slot.alive) {
          // The relay refused this message; the session is fine once reset. Answered after the
          // reset, so the connection is idle again before its permit passes on (never more than
          // maxConnections open).
          slot.connection.reset((resetError) => {
            if (resetError) this.drop(slot);
            else this.keep(slot);
            resolve({ error: e, started });
          });
          return;
        }
        this.drop(slot);
        resolve({ error: e, started });
      });
    });
  }

  private keep(slot: Slot): void {
    if (this.closed || !slot.alive) return this.drop(slot);
    if (slot.messages >= this.maxMessages) {
      slot.alive = false;
      this.slots.delete(slot);
      slot.connection.quit();
      return;
    }
    this.idle.push(slot);
  }

  private drop(slot: Slot): void {
    slot.alive = false;
    this.slots.delete(slot);
    slot.connection.close();
  }
}
