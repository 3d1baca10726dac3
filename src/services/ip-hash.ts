import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Store } from '../store/store.ts';

/** How long a day's key lives: after that, that day's address hashes can no longer be matched to anyone. */
export const ADDRESS_KEY_DAYS = 7;
const KEY_PREFIX = 'address-key:';

const DAY_MS = 86_400_000;
const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * Client addresses are never stored: only an HMAC under a key that changes every day and is
 * deleted after ADDRESS_KEY_DAYS. Within that time moderators can still find (and invalidate)
 * what one address did; after it, nobody can.
 */
export class AddressHasher {
  private keys = new Map<string, Promise<string>>();
  /**
   * The keys already read, by UTC day number, imported once: every signature hashes its address, and
   * this spares it an await, the day's name (a toISOString) and a key import per HMAC.
   */
  private ready = new Map<number, KeyObject>();

  constructor(private readonly store: Pick<Store, 'appSecret'>) {}

  private keyFor(day: string): Promise<string> {
    let key = this.keys.get(day);
    if (!key) {
      key = this.store.appSecret(`${KEY_PREFIX}${day}`, () => randomBytes(32).toString('hex'));
      key.catch(() => this.keys.delete(day));
      if (this.keys.size > ADDRESS_KEY_DAYS * 2) {
        this.keys.clear();
        this.ready.clear();
      }
      this.keys.set(day, key);
    }
    return key;
  }

  /** The hash at once when that day's key is already in memory; undefined when it must be read first. */
  hashIfReady(ip: string, at: Date): string | undefined {
    const key = this.ready.get(Math.floor(at.getTime() / DAY_MS));
    return key && createHmac('sha256', key).update(ip).digest('base64url').slice(0, 32);
  }

  async hash(ip: string, at: Date): Promise<string> {
    const ready = this.hashIfReady(ip, at);
    if (ready !== undefined) return ready;
    const key = createSecretKey(Buffer.from(await this.keyFor(dayOf(at)), 'utf8'));
    this.ready.set(Math.floor(at.getTime() / DAY_MS), key);
    return createHmac('sha256', key).update(ip).digest('base64url').slice(0, 32);
  }

  /** The hashes one address had on each day that still has a key: what an invalidation by address matches. */
  async hashesOver(ip: string, now: Date): Promise<string[]> {
    const hashes: string[] = [];
    for (let back = 0; back < ADDRESS_KEY_DAYS; back++) hashes.push(await this.hash(ip, new Date(now.getTime() - back * 86_400_000)));
    return hashes;
  }

  /** Names of the keys that are too old to keep. */
  static expiredKeyNames(names: string[], now: Date): string[] {
    const oldest = dayOf(new Date(now.getTime() - (ADDRESS_KEY_DAYS - 1) * 86_400_000));
    return names.filter((n) => n.startsWith(KEY_PREFIX) && n.slice(KEY_PREFIX.length) < oldest);
  }

  static readonly keyPrefix = KEY_PREFIX;
}
