import { createHash } from 'node:crypto';
import { isPubliclyVisible } from '../services/visible-petition.ts';
import type { Petition } from '../store/records.ts';
import type { ServiceContext } from '../services/context.ts';
import { TtlCache } from '../services/ttl-cache.ts';
import { isDatabaseUnavailable } from '../store/unavailable.ts';

export interface CountView {
  slug: string;
  signatureCount: number;
  at: Date;
  /** A weak validator, for If-None-Match. */
  etag: string;
  /**
   * The API's answer, serialised once per change rather than once per reader (what Fastify's
   * serialiser would have written: `{"slug","signatureCount","at"}`).
   */
  json: string;
}

export interface CachedPage {
  /**
   * The page as UTF-8 bytes: encoding the whole page string again for every reader was a large part of
   * a page's time and of its garbage.
   */
  body: Buffer;
  /** A weak validator of the exact bytes, for If-None-Match. */
  etag: string;
}

const countView = (slug: string, signatureCount: number, at: Date): CountView => ({
  slug,
  signatureCount,
  at,
  etag: `W/"${signatureCount}"`,
  json: JSON.stringify({ slug, signatureCount, at: at.toISOString() }),
});

/** How long a read stays in this process; commits here update counts at once, other processes' within this. */
const READ_TTL_MS = 1000;

/**
 * What readers of a viral petition ask for again and again (its count, its page), answered from
 * memory. A commit in this process moves the cached count at once, for the cost of one assignment
 * per petition per batch; the page (whose count the live script keeps current) is rebuilt at most
 * once a second. Other processes' commits show within a second.
 */
export class PublicReads {
  private readonly counts = new TtlCache<CountView | undefined>(READ_TTL_MS);
  private readonly pages = new TtlCache<CachedPage | undefined>(READ_TTL_MS);
  /** The API's petition document (with its updates), as JSON. */
  private readonly documents = new TtlCache<string | undefined>(READ_TTL_MS);
  private readonly slugsById = new Map<number, string>();

  constructor(private readonly services: Pick<ServiceContext, 'store' | 'batcher' | 'clock'>) {
    services.batcher.onCommit((changes) => {
      for (const change of changes) this.countCommitted(change.petitionId, change.after);
    });
  }

  /** A petition's count moved (a commit here, or one another process announced). */
  countCommitted(petitionId: number, count: number): void {
    const slug = this.slugsById.get(petitionId);
    if (!slug) return;
    this.counts.set(slug, countView(slug, count, this.services.clock()));
    // The page and the document show the count and the milestones: rebuilt by the next reader.
    this.pages.delete(slug);
    this.documents.delete(slug);
  }

  private async visible(slug: string): Promise<Petition | undefined> {
    const petition = await this.services.store.findPetitionBySlug(slug);
    if (!isPubliclyVisible(petition)) return undefined;
    if (this.slugsById.size > 10_000) this.slugsById.clear();
    this.slugsById.set(petition.id, petition.slug);
    return petition;
  }

  /** After any other change to petitions (an edit, an update, a state change): forget everything. */
  forgetAll(): void {
    this.counts.clear();
    this.pages.clear();
    this.documents.clear();
  }

  /** A visible petition's count; while the database is away, the last one read, with its age. */
  async count(slug: string): Promise<Served<CountView>> {
    const { value, staleMs } = await this.counts.getOrLast(
      slug,
      async () => {
        const petition = await this.visible(slug);
        return petition && countView(petition.slug, petition.signatureCount, this.services.clock());
      },
      isDatabaseUnavailable,
    );
    return { read: value, staleMs };
  }

  /**
   * The page of a visible petition, rendered by `render` at most once a second; while the database
   * is away, the last one rendered, with its age.
   */
  async page(slug: string, render: (petition: Petition) => Promise<string>): Promise<Served<CachedPage>> {
    const { value, staleMs } = await this.pages.getOrLast(
      slug,
      async () => {
        const petition = await this.visible(slug);
        if (!petition) return undefined;
        const body = Buffer.from(await render(petition), 'utf8');
        return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
      },
      isDatabaseUnavailable,
    );
    return { read: value, staleMs };
  }

  /** The API's document of a visible petition, built by `build` at most once a second; stale while the database is away. */
  async document(slug: string, build: (petition: Petition) => Promise<unknown>): Promise<Served<string>> {
    const { value, staleMs } = await this.documents.getOrLast(
      slug,
      async () => {
        const petition = await this.visible(slug);
        return petition && JSON.stringify(await build(petition));
      },
      isDatabaseUnavailable,
    );
    return { read: value, staleMs };
  }
}

/** A read from memory: undefined when there is nothing visible; `staleMs` set when it is an old copy. */
export interface Served<T> {
  read: T | undefined;
  staleMs: number | null;
}

/**
 * Marks an answer served from memory while the database is away (stale-if-error, RFC 5861), in the
 * standard Cache-Status field (RFC 9211) and with its Age; a shared cache must not keep it.
 */
export function markStale(reply: { header(name: string, value: string): unknown }, staleMs: number | null): void {
  if (staleMs === null) return;
  reply.header('cache-status', 'undersign; hit; detail="database unavailable, served stale"');
  reply.header('age', String(Math.floor(staleMs / 1000)));
  reply.header('cache-control', 'no-store');
}
