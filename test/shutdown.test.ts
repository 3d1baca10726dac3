import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gracefulStop, ShutdownSteps, type Stoppable } from '../src/shutdown.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

/** A logger that keeps its lines, and an exit that records its code instead of exiting. */
function harness(running: Stoppable, timeoutMs: number) {
  const lines: Array<{ level: 'info' | 'error'; obj: object; msg: string }> = [];
  let exitCode: number | undefined;
  let exited!: () => void;
  const exit = new Promise<void>((r) => (exited = r));
  const stop = gracefulStop(
    running,
    timeoutMs,
    { info: (obj, msg) => lines.push({ level: 'info', obj, msg }), error: (obj, msg) => lines.push({ level: 'error', obj, msg }) },
    (code) => {
      exitCode ??= code;
      exited();
    },
  );
  return { stop, lines, exit, code: () => exitCode };
}

describe('a stop on SIGTERM or SIGINT', () => {
  test('logs one line as it starts and one with how long it took, then exits 0', async () => {
    let closes = 0;
    const h = harness({ close: async () => void closes++, stillOpen: () => [] }, 1000);
    h.stop('SIGTERM');
    await h.exit;
    assert.equal(h.code(), 0);
    assert.equal(closes, 1);
    assert.deepEqual(h.lines.map((l) => l.level), ['info', 'info']);
    assert.match(h.lines[0]!.msg, /^shutting down on SIGTERM/);
    assert.match(h.lines[1]!.msg, /^stopped in \d+ ms$/);
  });

  test('a stop that overruns the timeout exits 1, with one line naming what was still open', async () => {
    const steps = new ShutdownSteps();
    let connections = 3;
    const hang = steps.track(() => `${connections} HTTP connections`, new Promise<void>(() => {}));
    void steps.track('database', Promise.resolve());
    connections = 2;
    const h = harness({ close: () => hang, stillOpen: () => steps.pending() }, 50);
    const started = Date.now();
    h.stop('SIGTERM');
    await h.exit;
    assert.equal(h.code(), 1);
    assert.ok(Date.now() - started >= 45, 'not before the timeout');
    const errors = h.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.msg, /did not finish within SHUTDOWN_TIMEOUT.*still open: 2 HTTP connections$/);
  });

  test('a second signal neither starts a second stop nor moves the deadline', async () => {
    let closes = 0;
    const h = harness({ close: () => (closes++, new Promise<void>(() => {})), stillOpen: () => ['recurring jobs'] }, 80);
    h.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 40));
    h.stop('SIGINT');
    await h.exit;
    assert.equal(closes, 1);
    assert.equal(h.code(), 1);
    assert.equal(h.lines.filter((l) => /^shutting down/.test(l.msg)).length, 1);
  });

  test('a stop that fails exits 1 at once', async () => {
    const h = harness({ close: () => Promise.reject(new Error('the database said no')), stillOpen: () => [] }, 10_000);
    h.stop('SIGINT');
    await h.exit;
    assert.equal(h.code(), 1);
    assert.equal(h.lines.at(-1)!.msg, 'shutdown failed');
  });
});

describe('SHUTDOWN_TIMEOUT', () => {
  test('is 10 s unless set, in whole seconds of at least one; anything else is listed with the other problems', () => {
    assert.equal(loadConfig({}).shutdownTimeoutMs, 10_000);
    assert.equal(loadConfig({ SHUTDOWN_TIMEOUT: '25' }).shutdownTimeoutMs, 25_000);
    for (const bad of ['0', '2.5', 'soon', '-1']) {
      assert.throws(() => loadConfig({ SHUTDOWN_TIMEOUT: bad, PORT: 'x' }), (e: ConfigError) => e.problems.some((p) => p.startsWith('SHUTDOWN_TIMEOUT')) && e.problems.length === 2);
    }
  });
});
