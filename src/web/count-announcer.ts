import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.ts';

export interface CountAnnouncer {
  publish(petitionId: number, count: number): void;
  close(): Promise<void>;
}

/**
 * With REDIS_URL, each process announces its commits' counts on one channel and hears the others',
 * so live counts and cached counts agree across processes. The channel is namespaced per database.
 * Without Redis there is nobody to tell.
 */
export async function countAnnouncer(redisUrl: string | null, store: Store, heard: (petitionId: number, count: number) => void): Promise<CountAnnouncer> {
  if (!redisUrl) return { publish: () => {}, close: async () => {} };
  const channel = `undersign:${await store.appSecret('redis-namespace', () => randomUUID())}:counts`;
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  // A Redis outage loses announcements, not signatures: counts still reach readers within a second.
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  subscriber.subscribe(channel).catch(() => {});
  subscriber.on('message', (_channel, message: string) => {
    const [id, count] = message.split(':').map(Number);
    if (Number.isSafeInteger(id) && Number.isSafeInteger(count)) heard(id!, count!);
  });
  return {
    publish: (petitionId, count) => void publisher.publish(channel, `${petitionId}:${count}`).catch(() => {}),
    // disconnect, not quit: quit waits for a server that may never have answered.
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
