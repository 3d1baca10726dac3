import type { SharedRedis } from '../redis/shared-redis.ts';

export interface CountAnnouncer {
  publish(petitionId: number, count: number): void;
  close(): Promise<void>;
}

/**
 * With REDIS_URL, each process announces its commits' counts on one channel and hears the others',
 * so live counts and cached counts agree across processes. The channel is namespaced per database.
 * Without Redis there is nobody to tell.
 */
export async function countAnnouncer(redis: SharedRedis | undefined, heard: (petitionId: number, count: number) => void): Promise<CountAnnouncer> {
  if (!redis) return { publish: () => {}, close: async () => {} };
  const channel = `${redis.namespace}counts`;
  // Subscribed on every connection, so fan-out comes back with Redis, also when it was away at start.
  const subscriber = redis.subscriber((connection) => {
    connection.subscribe(channel).catch(() => {}); // the connection went again; its next 'ready' subscribes
  });
  subscriber.on('message', (_channel, message: string) => {
    const [id, count] = message.split(':').map(Number);
    if (Number.isSafeInteger(id) && Number.isSafeInteger(count)) heard(id!, count!);
  });
  return {
    // A Redis outage loses announcements, not signatures: counts still reach readers within a second.
    // Behind the breaker: while Redis is away nothing is sent, and nothing waits.
    publish: (petitionId, count) => void redis.run((client) => client.publish(channel, `${petitionId}:${count}`)).catch(() => {}),
    // disconnect, not quit: quit waits for a server that may never have answered.
    close: async () => subscriber.disconnect(),
  };
}
