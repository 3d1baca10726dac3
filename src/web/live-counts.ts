import type { ServerResponse } from 'node:http';

/** At most one event per petition per this long: a viral petition commits many times a second. */
const COALESCE_MS = 1000;
const HEARTBEAT_MS = 25_000;

interface Channel {
  slug: string;
  viewers: Set<ServerResponse>;
  last: number | null;
  pending: number | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Server-Sent Events of signature counts. A commit costs one message per petition (coalesced to one a
 * second), written to each viewer's open response; nothing per viewer is computed. `publish` is also
 * what a Redis subscriber calls with other processes' commits.
 */
export class LiveCounts {
  private readonly channels = new Map<number, Channel>();
  private readonly heartbeat: NodeJS.Timeout;
  private viewers = 0;

  constructor(readonly maxViewers = 10_000) {
    // A comment line now and then keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => {
      for (const channel of this.channels.values()) for (const viewer of channel.viewers) viewer.write(': keep-alive\n\n');
    }, HEARTBEAT_MS).unref();
  }

  get viewerCount(): number {
    return this.viewers;
  }

  full(): boolean {
    return this.viewers >= this.maxViewers;
  }

  /** Adds a viewer; the returned function removes it (on disconnect). */
  watch(petitionId: number, slug: string, viewer: ServerResponse, count: number): () => void {
    let channel = this.channels.get(petitionId);
    if (!channel) this.channels.set(petitionId, (channel = { slug, viewers: new Set(), last: count, pending: null, timer: null }));
    channel.viewers.add(viewer);
    this.viewers++;
    viewer.write(event(slug, count));
    return () => {
      if (!channel.viewers.delete(viewer)) return;
      this.viewers--;
      if (channel.viewers.size === 0) {
        if (channel.timer) clearTimeout(channel.timer);
        this.channels.delete(petitionId);
      }
    };
  }

  /** A petition's new count: sent at once, or with the next tick if one was sent within the last second. */
  publish(petitionId: number, count: number): void {
    const channel = this.channels.get(petitionId);
    if (!channel || count === channel.last) return;
    channel.pending = count;
    if (channel.timer) return;
    this.flush(channel);
    channel.timer = setTimeout(() => {
      channel.timer = null;
      if (channel.pending !== null) this.flush(channel);
    }, COALESCE_MS);
  }

  private flush(channel: Channel): void {
    const count = channel.pending!;
    channel.pending = null;
    if (count === channel.last) return;
    channel.last = count;
    const message = event(channel.slug, count);
    for (const viewer of channel.viewers) viewer.write(message);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const channel of this.channels.values()) {
      if (channel.timer) clearTimeout(channel.timer);
      for (const viewer of channel.viewers) viewer.end();
    }
    this.channels.clear();
  }
}

const event = (slug: string, count: number) => `event: count\ndata: ${JSON.stringify({ slug, signatureCount: count, at: new Date().toISOString() })}\n\n`;
