import { createHash } from 'node:crypto';
import type { ShareCardText } from './share-image.tsx';
import { SHARE_CARD_DESIGN } from './share-image-size.ts';
import type { KeptShareCard } from '../store/share-card-queries.ts';
import type { Take } from './token-buckets.ts';

export interface ShareImageCacheOptions {
  /** How many petitions' cards to keep in memory; the least recently asked for goes first. */
  maxEntries: number;
  /**
   * How long a card may stand for a newer count. A card costs ~20 ms of CPU and a viral petition's count
   * moves many times a second, so without this every request could draw anew. New words never wait.
   */
  freshMs: number;
  /** Draws a card; undefined when the renderer's queue is full. */
  render: (card: ShareCardText) => Promise<Buffer> | undefined;
  /** Where drawn cards are kept across restarts and processes (the database). */
  kept: {
    find(petitionId: number): Promise<KeptShareCard | undefined>;
    save(petitionId: number, card: KeptShareCard): Promise<void>;
  };
  /** Whether this client may have one more card drawn now: only drawings are counted, never kept cards. */
  allowDrawing: (client: string, now: Date) => Take;
  /** The drawing allowed was not made after all (the queue was full): the client has it back. */
  drawingRefused?: (client: string) => void;
  /** A card drawn but not kept (the database refused it) is still answered; this hears why. */
  onKeepError?: (error: unknown) => void;
}

/**
 * `current`: the card shows the petition now (or a count at most `freshMs` old). Otherwise a card with the
 * same words and an older count, given because drawing a new one was refused; or, with none, the refusal.
 */
export type ShareCardAnswer =
  | { png: Buffer; current: boolean }
  | { refused: 'busy' }
  | { refused: 'limited'; retryAfterSeconds: number };

/** What a card shows besides its count, as one key: the design and the words. */
export const shareCardWordsKey = (card: ShareCardText): string =>
  createHash('sha256').update(JSON.stringify([SHARE_CARD_DESIGN, card.kind, card.target, card.title])).digest('base64url');

/**
 * The newest card per petition: in a bounded LRU map in memory, in front of the database, where every
 * process keeps what it draws (decision 0039). Keyed by petition rather than (petition, count): an old
 * count is never asked for again. Requests arriving while a card is drawn share that drawing.
 */
export class ShareImageCache {
  private readonly entries = new Map<number, KeptShareCard>();
  private readonly drawing = new Map<number, { wordsKey: string; png: Promise<Buffer> }>();

  constructor(private readonly options: ShareImageCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  async card(petitionId: number, card: ShareCardText, client: string, now: Date): Promise<ShareCardAnswer> {
    const wordsKey = shareCardWordsKey(card);
    const stands = (kept: KeptShareCard | undefined): boolean =>
      kept !== undefined && kept.wordsKey === wordsKey && (kept.count === card.count || now.getTime() - kept.drawnAt.getTime() < this.options.freshMs);

    // In memory, or being drawn: asked again after the store answers, which another request may have drawn meanwhile.
    const here = (): KeptShareCard | Promise<Buffer> | undefined => {
      const inMemory = this.entries.get(petitionId);
      if (inMemory && stands(inMemory)) return this.remember(petitionId, inMemory);
      const pending = this.drawing.get(petitionId);
      return pending?.wordsKey === wordsKey ? pending.png : undefined;
    };
    const answer = async (found: KeptShareCard | Promise<Buffer>) => ({ png: found instanceof Promise ? await found : found.png, current: true });

    const inMemory = this.entries.get(petitionId);
    const before = here();
    if (before) return answer(before);
    // Another process, or this one before a restart, may have drawn it.
    const kept = await this.options.kept.find(petitionId);
    if (kept && stands(kept)) return answer(this.remember(petitionId, kept));
    const after = here();
    if (after) return answer(after);

    // A miss. When drawing is refused, a card with the same words and an older count is better than none.
    const older = [inMemory, kept].filter((c) => c?.wordsKey === wordsKey).sort((a, b) => b!.drawnAt.getTime() - a!.drawnAt.getTime())[0];
    const allowed = this.options.allowDrawing(client, now);
    if (!allowed.ok) return older ? { png: older.png, current: false } : { refused: 'limited', retryAfterSeconds: allowed.retryAfterSeconds };
    const drawn = this.options.render(card);
    if (!drawn) {
      this.options.drawingRefused?.(client);
      return older ? { png: older.png, current: false } : { refused: 'busy' };
    }

    const png = drawn.then(async (bytes) => {
      const entry = { wordsKey, count: card.count, drawnAt: now, png: bytes };
      const current = this.entries.get(petitionId);
      if (!current || current.drawnAt <= now) this.remember(petitionId, entry);
      // Kept before the answer, so a restart right after finds it; a card the database refuses is still good.
      await this.options.kept.save(petitionId, entry).catch((error: unknown) => this.options.onKeepError?.(error));
      return bytes;
    });
    this.drawing.set(petitionId, { wordsKey, png });
    const forget = () => {
      if (this.drawing.get(petitionId)?.png === png) this.drawing.delete(petitionId);
    };
    // A failed drawing is not kept: the next request tries again.
    png.then(forget, forget);
    return { png: await png, current: true };
  }

  private remember(petitionId: number, card: KeptShareCard): KeptShareCard {
    this.entries.delete(petitionId); // re-insert: Map order is the recency order
    this.entries.set(petitionId, card);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return card;
  }
}
