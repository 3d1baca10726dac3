import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './engine.ts';
import { commitSignatureBatch } from './signature-batch.ts';
import type { SignatureBatch } from './records.ts';

/**
 * Runs signing batches on a connection of its own, off the main thread: better-sqlite3 is
 * synchronous, so a commit's disk flush here no longer stops the main thread from reading requests.
 */
const db = openSqlite((workerData as { path: string }).path);

parentPort!.on('message', async (message: { id: number; batch: SignatureBatch } | 'close') => {
  if (message === 'close') {
    await db.destroy();
    parentPort!.close();
    return;
  }
  try {
    const result = await db.transaction().execute((trx) => commitSignatureBatch(trx, message.batch));
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    const e = error as Error & { code?: string };
    parentPort!.postMessage({ id: message.id, error: { message: e.message, code: e.code, name: e.name } });
  }
});
