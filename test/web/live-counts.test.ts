import { describe, test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { LiveCounts, clientKey, type Viewer } from '../../src/web/live-counts.ts';

const CLIENT = '192.0.2.1';

/** An open response that records what it was sent; `stalled` pretends its connection stopped taking data. */
class FakeViewer implements Viewer {
  chunks: string[] = [];
  ended = false;
  stalled = false;
  get writableLength() {
    return this.stalled ? 1_000_000 : 0;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
  }
  end() {
    this.ended = true;
  }
  destroy() {
    this.ended = true;
  }
  counts(): number[] {
    return this.chunks.flatMap((c) => (c.startsWith('event: count') ? [JSON.parse(c.split('data: ')[1]!).signatureCount] : []));
  }
  heartbeats(): number {
    return this.chunks.filter((c) => c.startsWith(':')).length;
  }
}

describe('the live count hub', () => {
  let hub: LiveCounts;
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    hub = new LiveCounts();
  });
  afterEach(() => {
    hub.close();
    mock.timers.reset();
  });

  test('a viewer hears the count on arrival, then each change', () => {
    const viewer = new FakeViewer();
    hub.watch(1, 'trees', viewer, 10, CLIENT);
    hub.publish(1, 11);
    assert.deepEqual(viewer.counts(), [10, 11]);
    assert.match(viewer.chunks[1]!, /^event: count\ndata: \{"slug":"trees","signatureCount":11,"at":"[^"]+"\}\n\n$/);
  });

  test('within a second, changes wait and only the latest is sent; nothing is sent twice', () => {
    const viewer = new FakeViewer();
    hub.watch(1, 'trees', viewer, 0, CLIENT);
    hub.publish(1, 1);
    hub.publish(1, 2);
    hub.publish(1, 3);
    assert.deepEqual(viewer.counts(), [0, 1]);
    mock.timers.tick(1000);
    assert.deepEqual(viewer.counts(), [0, 1, 3]);
    // The window starts again with that send: a change right after it waits too.
    hub.publish(1, 4);
    assert.deepEqual(viewer.counts(), [0, 1, 3]);
    mock.timers.tick(1000);
    assert.deepEqual(viewer.counts(), [0, 1, 3, 4]);
    mock.timers.tick(5000);
    hub.publish(1, 4);
    assert.deepEqual(viewer.counts(), [0, 1, 3, 4], 'an unchanged count is not news');
  });

  test('one publish reaches every viewer of that petition and no one else', () => {
    const [a, b, other] = [new FakeViewer(), new FakeViewer(), new FakeViewer()];
    hub.watch(1, 'trees', a, 5, CLIENT);
    hub.watch(1, 'trees', b, 5, CLIENT);
    hub.watch(2, 'bins', other, 7, CLIENT);
    hub.publish(1, 6);
    assert.deepEqual([a.counts(), b.counts(), other.counts()], [[5, 6], [5, 6], [7]]);
  });

  test('leaving removes the viewer and, with the last one, the petition’s channel', () => {
    const [a, b] = [new FakeViewer(), new FakeViewer()];
    const leaveA = hub.watch(1, 'trees', a, 0, CLIENT);
    const leaveB = hub.watch(1, 'trees', b, 0, CLIENT);
    leaveA();
    leaveA();
    assert.equal(hub.viewerCount, 1);
    hub.publish(1, 1);
    assert.deepEqual(a.counts(), [0]);
    leaveB();
    assert.equal(hub.viewerCount, 0);
    assert.equal(hub.viewersOf(1), 0);
  });

  test('every 25 seconds each open stream gets a comment line, so proxies keep it open', () => {
    const viewer = new FakeViewer();
    hub.watch(1, 'trees', viewer, 0, CLIENT);
    mock.timers.tick(24_999);
    assert.equal(viewer.heartbeats(), 0);
    mock.timers.tick(1);
    assert.equal(viewer.heartbeats(), 1);
    assert.equal(viewer.chunks.at(-1), ': keep-alive\n\n');
  });

  test('a viewer whose connection stopped taking data is dropped, not buffered for', () => {
    const [stuck, fine] = [new FakeViewer(), new FakeViewer()];
    hub.watch(1, 'trees', stuck, 0, CLIENT);
    hub.watch(1, 'trees', fine, 0, CLIENT);
    stuck.stalled = true;
    hub.publish(1, 1);
    assert.equal(stuck.ended, true);
    assert.deepEqual(fine.counts(), [0, 1]);
    assert.equal(hub.viewerCount, 1);
  });

  test('the hub is full at its cap', () => {
    hub.maxViewers = 2;
    hub.watch(1, 'trees', new FakeViewer(), 0, CLIENT);
    assert.equal(hub.full(), false);
    hub.watch(2, 'bins', new FakeViewer(), 0, CLIENT);
    assert.equal(hub.full(), true);
  });

  test('one client holds at most its share of streams, and gets each place back once, when its stream closes', () => {
    hub.maxPerClient = 2;
    const leave = hub.watch(1, 'trees', new FakeViewer(), 0, CLIENT);
    assert.equal(hub.clientFull(CLIENT), false);
    hub.watch(2, 'bins', new FakeViewer(), 0, CLIENT);
    assert.equal(hub.clientFull(CLIENT), true);
    assert.equal(hub.clientFull('192.0.2.2'), false, 'another client is not held to this one’s share');
    leave();
    leave(); // close and error may both fire
    assert.equal(hub.streamsOf(CLIENT), 1);
    assert.equal(hub.clientFull(CLIENT), false);
  });
});

describe('the client a stream is counted against', () => {
  test('an IPv4 address is itself, however the socket spells it; an IPv6 address counts as its /64', () => {
    assert.equal(clientKey('192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('2001:db8:1:2::a'), clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    assert.notEqual(clientKey('2001:db8:1:2::a'), clientKey('2001:db8:1:3::a'));
    assert.equal(clientKey('2001:db8:1:2::a'), '2001:db8:1:2::/64');
  });
});
