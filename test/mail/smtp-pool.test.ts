import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SmtpPool, type RawMessage } from '../../src/mail/smtp-pool.ts';
import { failureStage } from '../../src/mail/mailer.ts';

const message = (to: string, subject = to): RawMessage => ({ from: 'petitions@undersign.test', to, raw: `From: petitions@undersign.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nHello\r\n` });

/** A real SMTP server on loopback that counts its connections and keeps what it was given. */
async function startRelay(options: Partial<SMTPServerOptions> = {}) {
  const received: Array<{ to: string; subject: string }> = [];
  let open = 0;
  let peak = 0;
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      peak = Math.max(peak, ++open);
      callback();
    },
    onClose() {
      open--;
    },
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
      stream.once('end', () => {
        received.push({ to: session.envelope.rcptTo[0]!.address, subject: /^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? '' });
        callback();
      });
    },
    ...options,
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    stats: () => ({ open, peak, connections }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const listening = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('SmtpPool against a real SMTP server', () => {
  let relay: Awaited<ReturnType<typeof startRelay>>;
  before(async () => (relay = await startRelay()));
  after(async () => relay?.close());

  test('200 messages at once go out each once, over at most maxConnections connections, reused', async () => {
    const pool = new SmtpPool({ url: relay.url, maxConnections: 4 });
    const before = relay.stats().connections;
    const to = Array.from({ length: 200 }, (_, i) => `signer-${i}@example.org`);
    await Promise.all(to.map((t) => pool.send(message(t))));
    pool.close();
    assert.deepEqual(relay.received.map((r) => r.to).filter((t) => t.startsWith('signer-')).sort(), [...to].sort());
    assert.ok(relay.stats().peak <= 4, `peak ${relay.stats().peak} connections`);
    assert.equal(relay.stats().connections - before, 4, 'four connections for 200 messages');
  });

  test('a connection is ended after maxMessages and a new one opened', async () => {
    const pool = new SmtpPool({ url: relay.url, maxConnections: 1, maxMessages: 5 });
    const before = relay.stats().connections;
    for (let i = 0; i < 12; i++) await pool.send(message(`limited-${i}@example.org`));
    pool.close();
    assert.equal(relay.stats().connections - before, 3);
  });

  test('a close waits for nothing: a send after it fails, and so does one waiting for a connection', async () => {
    const pool = new SmtpPool({ url: relay.url, maxConnections: 1 });
    const first = pool.send(message('first@example.org'));
    const waiting = pool.send(message('waiting@example.org'));
    pool.close();
    await assert.rejects(waiting);
    await first.catch(() => {}); // may have gone out before the close, or not
    await assert.rejects(pool.send(message('later@example.org')), /closed/);
    assert.ok(!relay.received.some((r) => r.to === 'waiting@example.org' || r.to === 'later@example.org'));
  });
});

describe('SmtpPool when the relay refuses', () => {
  test('a refused recipient fails that message alone, as its own fault, and the connection is kept', async () => {
    const relay = await startRelay({
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody')) return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
        callback();
      },
    });
    const pool = new SmtpPool({ url: relay.url, maxConnections: 1 });
    try {
      await pool.send(message('one@example.org'));
      const error = (await pool.send(message('nobody@example.org')).catch((e: unknown) => e)) as { responseCode?: number; code?: string; command?: string };
      assert.equal(error.responseCode, 550);
      assert.equal(failureStage(error), 'message');
      await pool.send(message('two@example.org'));
      assert.deepEqual(relay.received.map((r) => r.to), ['one@example.org', 'two@example.org']);
      assert.equal(relay.stats().connections, 1, 'the session was reset, not the connection');
    } finally {
      pool.close();
      await relay.close();
    }
  });

  test('a relay that is not there fails as the relay’s fault, at once', async () => {
    const closed = createServer();
    const port = await listening(closed);
    await new Promise<void>((r) => closed.close(() => r()));
    const pool = new SmtpPool({ url: `smtp://127.0.0.1:${port}`, maxConnections: 2 });
    const error = (await pool.send(message('a@example.org')).catch((e: unknown) => e)) as { code?: string; command?: string };
    pool.close();
    assert.ok(error.code === 'ESOCKET' || error.code === 'ECONNECTION', error.code);
    assert.equal(failureStage(error), 'relay');
  });

  test('login with the URL’s user and password; a wrong password fails as the relay’s fault', async () => {
    const relay = await startRelay({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'undersign' && auth.password === 'p@ss word') return callback(null, { user: auth.username });
        callback(new Error('Invalid username or password'));
      },
    });
    try {
      const good = new SmtpPool({ url: `smtp://undersign:${encodeURIComponent('p@ss word')}@127.0.0.1:${relay.port}`, maxConnections: 1 });
      await good.send(message('authed@example.org'));
      good.close();
      assert.deepEqual(relay.received.map((r) => r.to), ['authed@example.org']);
      const bad = new SmtpPool({ url: `smtp://undersign:wrong@127.0.0.1:${relay.port}`, maxConnections: 1 });
      const error = (await bad.send(message('never@example.org')).catch((e: unknown) => e)) as { code?: string; command?: string };
      bad.close();
      assert.equal(error.code, 'EAUTH');
      assert.equal(failureStage(error), 'relay');
      assert.equal(relay.received.length, 1);
    } finally {
      await relay.close();
    }
  });
});

/**
 * A hand-written relay that speaks just enough SMTP, and on its connections' second MAIL FROM
 * closes without a word: an idle connection the relay dropped, found out only at the next send.
 * Or ('during-data') takes its connections' second message's bytes and closes before answering.
 */
async function startDroppingRelay(mode: 'second-mail-from' | 'during-data') {
  const messages: string[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let mailFroms = 0;
    let datas = 0;
    let inData = false;
    let buffer = '';
    socket.write('220 relay ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          if (++datas === 2 && mode === 'during-data') return void socket.destroy();
          socket.write('250 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 relay\r\n');
        else if (verb === 'MAIL') {
          if (++mailFroms === 2 && mode === 'second-mail-from') return void socket.destroy();
          socket.write('250 ok\r\n');
        } else if (verb === 'RCPT') socket.write('250 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (verb === 'RSET') socket.write('250 ok\r\n');
        else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          return;
        } else socket.write('502 no\r\n');
      }
    });
  });
  const port = await listening(server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('SmtpPool when the relay drops a connection', () => {
  test('dropped before a byte of the message was sent: it goes out on a new connection, once', async () => {
    const relay = await startDroppingRelay('second-mail-from');
    const pool = new SmtpPool({ url: relay.url, maxConnections: 1 });
    try {
      await pool.send(message('first@example.org'));
      await pool.send(message('second@example.org'));
      assert.equal(relay.messages.length, 2);
      assert.match(relay.messages[1]!, /To: second@example\.org/);
      assert.equal(relay.connections(), 2);
    } finally {
      pool.close();
      await relay.close();
    }
  });

  test('dropped after the message’s bytes but before the relay answered: an error, never sent again', async () => {
    const relay = await startDroppingRelay('during-data');
    const pool = new SmtpPool({ url: relay.url, maxConnections: 1 });
    try {
      await pool.send(message('first@example.org'));
      const error = (await pool.send(message('maybe@example.org')).catch((e: unknown) => e)) as { code?: string };
      assert.equal(error.code, 'ECONNECTION');
      // The outbox decides what follows (a relay fault: the mail goes back, decision 0027); the pool never resends it.
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(relay.messages.length, 2);
      assert.equal(relay.connections(), 1);
    } finally {
      pool.close();
      await relay.close();
    }
  });
});
