import ipaddr from 'ipaddr.js';

/** At most one event per petition per this long: a viral petition commits many times a second. */
const COALESCE_MS = 1000;
const HEARTBEAT_MS = 25_000;
/** A viewer whose connection has taken no data for this much is dropped (its browser reconnects). */
const MAX_BUFFERED_BYTES = 64 * 1024;

/** What the hub needs of an open response: a ServerResponse, or a fake in tests. */
export interface Viewer {
  write(chunk: string): unknown;
  end(): unknown;
  destroy(): unknown;
  readonly writableLength: number;
}

interface Channel {
  petitionId: number;
  slug: string;
  viewers: Set<Viewer>;
  /** The count the viewers last heard. */
  last: number;
  /** A newer count waiting for the coalescing window to end. */
  pending: number | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Server-Sent Events of signature counts, one channel per watched petition. A commit costs one
 * message per petition (at most one a second), written to each viewer's open response; nothing per
 * viewer is computed. `publish` is the one way in: the batcher's commits in this process, and
 * the commits of other processes heard through Redis (web/count-announcer.ts).
 */
export class LiveCounts {
  private readonly channels = new Map<number, Channel>();
  private readonly heartbeat: NodeJS.Timeout;
  private viewers = 0;
  /**
   * Open streams per client (clientKey), so that one client cannot take every place. In memory
   * only, and only while a stream is open: the address is never stored or logged.
   */
  private readonly streamsByClient = new Map<string, number>();

  /**
   * `maxViewers`: open streams one process keeps; beyond it the route answers 503 and pages poll.
   * `maxPerClient`: open streams one client keeps; beyond it the route answers 429 (decision 0033).
   */
  constructor(
    public maxViewers = 10_000,
    public maxPerClient = 20,
  ) {
    // A comment line now and then keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => {
      for (const channel of this.channels.values()) for (const viewer of channel.viewers) this.send(channel, viewer, ': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref?.();
  }

  get viewerCount(): number {
    return this.viewers;
  }

  /** Viewers of one petition (tests, metrics). */
  viewersOf(petitionId: number): number {
    return this.channels.get(petitionId)?.viewers.size ?? 0;
  }

  full(): boolean {
    return this.viewers >= this.maxViewers;
  }

  /** Whether `client` (a clientKey) already holds all the streams one client may. */
  clientFull(client: string): boolean {
    return (this.streamsByClient.get(client) ?? 0) >= this.maxPerClient;
  }

  /** Streams `client` holds open (tests). */
  streamsOf(client: string): number {
    return this.streamsByClient.get(client) ?? 0;
  }

  /**
   * Adds a viewer for `client` and sends it `count`. The returned function removes it and gives the
   * client its place back; call it when the response closes (a stalled viewer the hub drops is
   * destroyed, which closes it too). Calling it again does nothing.
   */
  watch(petitionId: number, slug: string, viewer: Viewer, count: number, client: string): () => void {
    let channel = this.channels.get(petitionId);
    if (!channel) this.channels.set(petitionId, (channel = { petitionId, slug, viewers: new Set(), last: count, pending: null, timer: null }));
    channel.viewers.add(viewer);
    this.viewers++;
    this.streamsByClient.set(client, (this.streamsByClient.get(client) ?? 0) + 1);
    let released = false;
    this.send(channel, viewer, event(slug, count));
    return () => {
      this.remove(petitionId, viewer);
      if (released) return;
      released = true;
      const left = (this.streamsByClient.get(client) ?? 1) - 1;
      if (left > 0) this.streamsByClient.set(client, left);
      else this.streamsByClient.delete(client);
    };
  }

  /** A petition's new count: sent at once, or at the end of the window if one went out within it. */
  publish(petitionId: number, count: number): void {
    const channel = this.channels.get(petitionId);
    if (!channel) return;
    channel.pending = count;
    if (!channel.timer) this.flush(channel);
  }

  /** Sends the pending count, then holds the channel for one window; a count arriving meanwhile waits. */
  private flush(channel: Channel): void {
    const count = channel.pending;
    channel.pending = null;
    if (count === null || count === channel.last) return;
    channel.last = count;
    const message = event(channel.slug, count);
    for (const viewer of channel.viewers) this.send(channel, viewer, message);
    channel.timer = setTimeout(() => {
      channel.timer = null;
      if (this.channels.get(channel.petitionId) === channel) this.flush(channel);
    }, COALESCE_MS);
  }

  private send(channel: Channel, viewer: Viewer, message: string): void {
    if (viewer.writableLength > MAX_BUFFERED_BYTES) {
      viewer.destroy(); // end() would wait for the stalled connection to take what is buffered
      this.remove(channel.petitionId, viewer);
      return;
    }
    viewer.write(message);
  }

  private remove(petitionId: number, viewer: Viewer): void {
    const channel = this.channels.get(petitionId);
    if (!channel?.viewers.delete(viewer)) return;
    this.viewers--;
    if (channel.viewers.size > 0) return;
    if (channel.timer) clearTimeout(channel.timer);
    this.channels.delete(petitionId);
  }

  /**
   * Ends every stream (the process is stopping): each viewer's last event tells its page to open a
   * new stream, which the proxy sends to a process that is still serving (decision 0038).
   */
  close(): void {
    clearInterval(this.heartbeat);
    for (const channel of this.channels.values()) {
      if (channel.timer) clearTimeout(channel.timer);
      for (const viewer of channel.viewers) {
        viewer.write(RECONNECT_EVENT);
        viewer.end();
      }
    }
    this.channels.clear();
    this.streamsByClient.clear();
    this.viewers = 0;
  }
}

/**
 * Who holds a stream, for the per-client cap: an IPv4 address (also when it arrives as
 * "::ffff:1.2.3.4" on a dual-stack socket), or an IPv6 address's /64, the block one subscriber gets,
 * so that walking through it does not buy more places.
 */
export function clientKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/** The last event of a stream ended at shutdown; the page waits a random moment, then reconnects. */
export const RECONNECT_EVENT = `event: reconnect\ndata: ${JSON.stringify({ reason: 'shutdown' })}\n\n`;

const event = (slug: string, count: number) => `event: count\ndata: ${JSON.stringify({ slug, signatureCount: count, at: new Date().toISOString() })}\n\n`;
