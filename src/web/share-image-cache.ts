import type { ShareCardText } from './share-image.tsx';

export interface ShareImageCacheOptions {
  /** How many petitions' cards to keep; the least recently asked for goes first. */
  maxEntries: number;
  /**
   * How long a card may stand for a newer count. A card costs ~20 ms of CPU and a viral petition's count
   * moves many times a second, so without this every request could draw anew.
   */
  freshMs: number;
  render: (card: ShareCardText) => Promise<Buffer>;
}

interface Entry {
  /** The count and words the card was drawn with: any change (a signature, an edit) asks for a new one. */
  drawnFor: string;
  drawnAt: number;
  png: Promise<Buffer>;
}

const fingerprint = (card: ShareCardText): string => JSON.stringify([card.count, card.kind, card.target, card.title]);

/**
 * The newest card per petition, in a bounded LRU map. Keyed by slug rather than (slug, count): an old count
 * is never asked for again, so per-count entries would only crowd out other petitions. Requests arriving
 * while a card is drawn share that drawing.
 */
export class ShareImageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: ShareImageCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  png(slug: string, card: ShareCardText, now: Date): Promise<Buffer> {
    const drawnFor = fingerprint(card);
    const entry = this.entries.get(slug);
    if (entry && (entry.drawnFor === drawnFor || now.getTime() - entry.drawnAt < this.options.freshMs)) {
      this.entries.delete(slug); // re-insert: Map order is the recency order
      this.entries.set(slug, entry);
      return entry.png;
    }
    const png = this.options.render(card);
    this.entries.delete(slug);
    this.entries.set(slug, { drawnFor, drawnAt: now.getTime(), png });
    // A failed drawing is not kept: the next request tries again.
    png.catch(() => {
      if (this.entries.get(slug)?.png === png) this.entries.delete(slug);
    });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return png;
  }
}
