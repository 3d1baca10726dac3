import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shedsRequest, WRITE_DELAY_FACTOR } from '../../src/web/load-shedding.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

test('past the delay bound reads are refused; writes only past twice it, and never on utilisation alone', () => {
  const bound = 200;
  for (const method of ['GET', 'HEAD']) assert.equal(shedsRequest(method, { delayMs: bound + 1 }, bound), true, method);
  assert.equal(shedsRequest('GET', { utilisation: 0.99 }, bound), true);
  assert.equal(WRITE_DELAY_FACTOR, 2);
  assert.equal(shedsRequest('POST', { delayMs: 2 * bound }, bound), false, 'a signature still goes through at twice the bound');
  assert.equal(shedsRequest('POST', { delayMs: 2 * bound + 1 }, bound), true);
  assert.equal(shedsRequest('POST', { utilisation: 0.99 }, bound), false);
  assert.equal(shedsRequest('POST', { utilisation: 0.99 }, 0), false, 'with the delay bound off, utilisation never sheds a write');
});

test('the bounds are read from the environment, with every problem listed', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.maxEventLoopDelayMs, 200);
  assert.equal(defaults.maxEventLoopUtilization, null);
  const set = loadConfig({ MAX_EVENT_LOOP_DELAY_MS: '0', MAX_EVENT_LOOP_UTILIZATION: '0.98' });
  assert.deepEqual([set.maxEventLoopDelayMs, set.maxEventLoopUtilization], [0, 0.98]);
  assert.equal(loadConfig({ MAX_EVENT_LOOP_UTILIZATION: 'off' }).maxEventLoopUtilization, null);
  assert.throws(
    () => loadConfig({ MAX_EVENT_LOOP_DELAY_MS: 'fast', MAX_EVENT_LOOP_UTILIZATION: '1.5' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.some((p) => p.startsWith('MAX_EVENT_LOOP_DELAY_MS')) &&
      error.problems.some((p) => p.startsWith('MAX_EVENT_LOOP_UTILIZATION')),
  );
});
