import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { BREAKER_WINDOW_MS, COMMAND_TIMEOUT_MS, RedisUnavailable, SharedRedis } from '../../src/redis/shared-redis.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const REDIS = { host: '127.0.0.1', port: 6379 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redisUp = await (async () => {
  const probe = new Redis(REDIS.port, REDIS.host, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();

/** A SharedRedis whose log lines the test reads. */
function shared(url: string) {
  const lines: string[] = [];
  const redis = new SharedRedis(url, `undersign:test-${randomUUID()}:`, { warn: (_fields, line) => lines.push(line) });
  return { redis, lines };
}

describe('the process’s Redis behind its breaker', { skip: !redisUp && 'Redis not reachable' }, () => {
  let proxy: TcpProxy;
  before(async () => {
    proxy = await startTcpProxy(REDIS);
  });
  after(async () => {
    await proxy?.close();
  });

  test('a stall is found out within the command timeout, then skipped at once, told once; Redis back is told once', async () => {
    const { redis, lines } = shared(proxy.url);
    try {
      await redis.connected();
      assert.equal(await redis.run((c) => c.ping()), 'PONG');
      proxy.stall();
      let began = Date.now();
      await assert.rejects(redis.run((c) => c.ping()), RedisUnavailable);
      const firstMs = Date.now() - began;
      assert.ok(firstMs >= COMMAND_TIMEOUT_MS - 20 && firstMs < COMMAND_TIMEOUT_MS + 1500, `the first command gave up after ${firstMs} ms`);
      began = Date.now();
      for (let i = 0; i < 100; i++) await assert.rejects(redis.run((c) => c.ping()), RedisUnavailable);
      assert.ok(Date.now() - began < 200, `100 commands skipped in ${Date.now() - began} ms while the breaker is open`);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /^Redis at 127\.0\.0\.1:\d+ is not answering \(no answer within 500 ms\)/);

      await proxy.restore();
      await sleep(BREAKER_WINDOW_MS + 50);
      assert.equal(await redis.run((c) => c.ping()), 'PONG', 'the probe goes through once the window has passed');
      assert.equal(await redis.run((c) => c.ping()), 'PONG');
      assert.equal(lines.length, 2);
      assert.match(lines[1]!, /^Redis at 127\.0\.0\.1:\d+ is back after \d+\.\d s/);
    } finally {
      await proxy.restore();
      redis.close();
    }
  });

  test('a cut fails the commands in flight at once and skips the rest; the connection comes back by itself', async () => {
    const { redis, lines } = shared(proxy.url);
    try {
      await redis.connected();
      const inFlight = redis.run((c) => c.ping());
      await proxy.cut();
      await inFlight.catch(() => {});
      const began = Date.now();
      await assert.rejects(redis.run((c) => c.ping()), RedisUnavailable);
      assert.ok(Date.now() - began < 100, 'no waiting for a connection that is not there');
      assert.equal(lines.length, 1, lines.join('\n'));
      await proxy.restore();
      let answered = false;
      for (let i = 0; i < 40 && !answered; i++) {
        await sleep(100);
        answered = await redis.run((c) => c.ping()).then(() => true, () => false);
      }
      assert.ok(answered, 'Redis used again within 4 s of coming back');
      assert.equal(lines.length, 2, lines.join('\n'));
    } finally {
      await proxy.restore();
      redis.close();
    }
  });

  test('a process too busy to read its socket does not take that for Redis going away', async () => {
    const { redis, lines } = shared(`redis://${REDIS.host}:${REDIS.port}`);
    try {
      await redis.connected();
      const answer = redis.run((c) => c.ping());
      // The reply arrives while this thread is busy, past the command timeout.
      const until = Date.now() + COMMAND_TIMEOUT_MS + 300;
      while (Date.now() < until);
      assert.equal(await answer, 'PONG');
      assert.deepEqual(lines, []);
    } finally {
      redis.close();
    }
  });

  test('an error reply is Redis answering: the command fails, the breaker stays closed', async () => {
    const { redis, lines } = shared(`redis://${REDIS.host}:${REDIS.port}`);
    try {
      await redis.connected();
      await assert.rejects(redis.run((c) => c.call('NO-SUCH-COMMAND')), (error: Error) => !(error instanceof RedisUnavailable));
      assert.equal(await redis.run((c) => c.ping()), 'PONG');
      assert.deepEqual(lines, []);
    } finally {
      redis.close();
    }
  });

  test('unreachable at start: one line, and the first commands are skipped at once', async () => {
    const cut = await startTcpProxy(REDIS, { cut: true });
    const { redis, lines } = shared(cut.url);
    try {
      await redis.connected();
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /not answering \(connect ECONNREFUSED/);
      const began = Date.now();
      for (let i = 0; i < 10; i++) await assert.rejects(redis.run((c) => c.ping()), RedisUnavailable);
      assert.ok(Date.now() - began < 100);
    } finally {
      redis.close();
      await cut.close();
    }
  });
});
