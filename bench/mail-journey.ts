import http from 'node:http';
import { SERVER_NODE_FLAGS } from '../src/cluster.ts';
import { cpuSeconds, type Relay } from './mail-relay.ts';
import { MAIL, mailServerEnv, now, percentile, sleep, stopWithin, type MailOutcome } from './mail-settings.ts';
import { startServer } from './support.ts';

export interface JourneyOptions {
  label: string;
  databaseUrl: string;
  slug: string;
  /** Arrivals per second. */
  rate: number;
  seconds?: number;
  relay: Relay;
  /** Update mail already in the outbox (bench/mail-drain.ts's fillOutbox), delivered alongside. */
  bulk?: { prefix: string; size: number };
}

/**
 * One request on a keep-alive agent, its body read and dropped; resolves with the status. Node's
 * http client: fetch cost 390–540 µs of CPU per request here, this 100–160, and the load generator
 * shares the server's two cores.
 */
function send(agent: http.Agent, url: URL, method: 'GET' | 'POST', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * The signer's journey, open loop: arrival i signs at t0 + i/rate whatever the server answers, with
 * a new address each; the relay reports each mail; its confirmation link is followed at once. Waits
 * up to MAIL.deadlineMs after the last arrival for stragglers. Checks that every acknowledged signer
 * got exactly one mail and that the count moved by the number of links followed.
 */
export async function signerJourney(o: JourneyOptions): Promise<MailOutcome> {
  const seconds = o.seconds ?? MAIL.journeySeconds;
  const total = Math.round(o.rate * seconds);
  const prefix = `journey-${o.label.toLowerCase()}-${o.rate}-`; // emails are stored (and mailed) normalised
  const server = await startServer([...SERVER_NODE_FLAGS, 'bin/undersign.js', 'serve'], mailServerEnv(o.databaseUrl, o.relay.url));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const signUrl = new URL(`${server.url}/api/v1/petitions/${o.slug}/signatures`);
  const readCount = async () => ((await (await fetch(`${server.url}/api/v1/petitions/${o.slug}/count`)).json()) as { signatureCount: number }).signatureCount;

  const requestedAt = new Map<string, number>();
  const acknowledged = new Set<string>();
  const signLatency: number[] = [];
  const mailsTo = new Map<string, number>();
  const waits: number[] = [];
  let signErrors = 0, signsInFlight = 0, followsInFlight = 0, followed = 0, followFailed = 0;
  let lastMailAt = 0, lastFollowAt = 0;
  const lateness: number[] = [];
  const follows = new Set<Promise<void>>();
  const bulkAt: number[] = [];
  /** Why links failed, by answer ('no link', a status, or the network error's code), for the check line. */
  const failures = new Map<string, number>();
  const failedWith = (why: string) => (followFailed++, failures.set(why, (failures.get(why) ?? 0) + 1));

  const off = o.relay.listen(([to, link, at]) => {
    if (o.bulk && to.startsWith(o.bulk.prefix)) bulkAt.push(at);
    if (!to.startsWith(prefix)) return;
    const n = (mailsTo.get(to) ?? 0) + 1;
    mailsTo.set(to, n);
    lastMailAt = Math.max(lastMailAt, at);
    if (n > 1) return;
    const sent = requestedAt.get(to);
    if (sent !== undefined) waits.push(at - sent);
    if (!link) return void failedWith('no link');
    followsInFlight++;
    const follow = send(agent, new URL(link), 'GET')
      .then((status) => {
        if (status === 200) (followed++, (lastFollowAt = now()));
        else failedWith(String(status));
      }, (error: { code?: string }) => void failedWith(error.code ?? 'network error'))
      .finally(() => (followsInFlight--, follows.delete(follow)));
    follows.add(follow);
  });

  const arrive = (i: number, due: number) => {
    const email = `${prefix}${i}@example.org`;
    const at = now();
    lateness.push(at - due);
    requestedAt.set(email, at);
    signsInFlight++;
    send(agent, signUrl, 'POST', JSON.stringify({ name: 'Bench Signer', email, consent: false }))
      .then((status) => {
        if (status >= 200 && status < 300) (acknowledged.add(email), signLatency.push(now() - at));
        else signErrors++;
      }, () => void signErrors++)
      .finally(() => signsInFlight--);
  };

  const cpu = { server: cpuSeconds(server.child.pid), relay: cpuSeconds(o.relay.child.pid), bench: process.cpuUsage() };
  let initial = NaN, final = NaN, counted = NaN, stopped: 'exited' | 'killed' = 'exited';
  let t0 = 0, arrivalsEnd = 0, end = 0, serverCpu = 0, relayCpu = 0, benchCpu = 0;
  try {
    initial = await readCount();
    t0 = now() + 10;
    await new Promise<void>((resolve) => {
      let i = 0;
      const tick = () => {
        const t = now();
        for (; i < total && t0 + (i * 1000) / o.rate <= t; i++) arrive(i, t0 + (i * 1000) / o.rate);
        if (i >= total) return resolve();
        setTimeout(tick, Math.max(0, t0 + (i * 1000) / o.rate - now()));
      };
      setTimeout(tick, 10);
    });
    arrivalsEnd = now();
    const deadline = arrivalsEnd + MAIL.deadlineMs;
    const allIn = () => signsInFlight === 0 && followsInFlight === 0 && [...acknowledged].every((e) => mailsTo.has(e));
    while (now() < deadline && !allIn()) await sleep(50);
    end = now();
    // A second more, so that a mail sent twice is seen twice.
    if (allIn()) await sleep(1000);
    off();
    await Promise.race([Promise.all(follows), sleep(10_000)]);
    // Confirmations move the cached count at their commit; a stale read lasts at most a second.
    const readUntil = now() + 2500;
    do {
      final = await readCount();
      counted = final - initial;
      if (counted === followed) break;
      await sleep(250);
    } while (now() < readUntil);
  } finally {
    off();
    serverCpu = cpuSeconds(server.child.pid) - cpu.server;
    relayCpu = cpuSeconds(o.relay.child.pid) - cpu.relay;
    const bench = process.cpuUsage(cpu.bench);
    benchCpu = (bench.user + bench.system) / 1e6;
    agent.destroy();
    stopped = await stopWithin(server);
  }

  const ack = [...acknowledged];
  const mailed = ack.filter((e) => mailsTo.has(e)).length;
  const undelivered = ack.length - mailed;
  const duplicates = [...mailsTo.values()].filter((n) => n > 1).length;
  const strangers = [...mailsTo.keys()].filter((e) => !acknowledged.has(e)).length;
  const mails = [...mailsTo.values()].reduce((a, b) => a + b, 0);
  const sortedWaits = waits.sort((a, b) => a - b);
  const sortedSign = signLatency.sort((a, b) => a - b);
  const sortedLateness = lateness.sort((a, b) => a - b);
  const ok = ack.length > 0 && undelivered === 0 && duplicates === 0 && followFailed === 0 && counted === followed;
  const withBulk = o.bulk ? ` with ${o.bulk.size} update mails queued` : '';
  const name = `signer journey, ${o.rate} arrivals/s for ${seconds} s${withBulk}, ${o.label}`;
  // Update mail the relay took while signers' mail flowed: bulk keeps moving, behind them.
  const bulkDuring = bulkAt.filter((at) => at >= t0 && at <= lastMailAt).length;
  return {
    row: {
      name,
      offeredPerSecond: o.rate,
      acknowledged: ack.length,
      delivered: mailed,
      expected: ack.length,
      mailsPerSecond: lastMailAt > t0 ? mails / ((lastMailAt - t0) / 1000) : 0,
      wait: { p50: percentile(sortedWaits, 0.5), p95: percentile(sortedWaits, 0.95), max: sortedWaits.at(-1) ?? NaN },
      countedPerSecond: lastFollowAt > t0 ? counted / ((lastFollowAt - t0) / 1000) : 0,
      notes: [
        `sign p50 ${percentile(sortedSign, 0.5).toFixed(0)} / p99 ${percentile(sortedSign, 0.99).toFixed(0)} ms`,
        signErrors ? `${signErrors} sign errors` : '',
        `arrivals late by p99 ${percentile(sortedLateness, 0.99).toFixed(0)} / max ${(sortedLateness.at(-1) ?? 0).toFixed(0)} ms`,
        `waited ${((end - arrivalsEnd) / 1000).toFixed(1)} s after the last arrival`,
        `count ${initial} → ${final}`,
        o.bulk ? `${bulkDuring} update mails delivered meanwhile (${lastMailAt > t0 ? (bulkDuring / ((lastMailAt - t0) / 1000)).toFixed(0) : 0}/s), ${bulkAt.length} in all` : '',
        `CPU s: server ${serverCpu.toFixed(1)}, relay ${relayCpu.toFixed(1)}, bench ${benchCpu.toFixed(1)}`,
        stopped === 'killed' ? 'server killed after 5 s of SIGTERM' : '',
      ].filter(Boolean).join('; '),
    },
    check:
      `${o.label}, signer journey at ${o.rate}/s${withBulk}: ${ack.length} acknowledged, ${mailed} got their mail, ${duplicates} more than one, ` +
      `not delivered within the deadline: ${undelivered}, ${strangers} mails to unacknowledged addresses; ` +
      `count moved ${counted} = links followed ${followed} (${followFailed} failed${failures.size ? `: ${[...failures].map(([why, n]) => `${why} ×${n}`).join(', ')}` : ''}): ${ok ? 'OK' : 'FAILED'}`,
    ok,
  };
}
