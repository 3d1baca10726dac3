import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './engine.ts';
import { commitSignatureBatch } from './signature-batch.ts';
import type { SignatureBatch, SignatureToWrite } from './records.ts';
import type { WireBatch } from './sqlite-writer.ts';

/**
 * Runs signing batches on a connection of its own, off the main thread: better-sqlite3 is
 * synchronous, so a commit's disk flush here no longer stops the main thread from reading requests.
 */
const db = openSqlite((workerData as { path: string }).path);

parentPort!.on('message', async (message: WireBatch | 'close') => {
  if (message === 'close') {
    await db.destroy();
    parentPort!.close();
    return;
  }
  try {
    const batch: SignatureBatch = { now: new Date(message.at), signatures: JSON.parse(message.signatures) as SignatureToWrite[], confirmations: message.confirmations };
    const result = await db.transaction().execute((trx) => commitSignatureBatch(trx, batch));
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    const e = error as Error & { code?: string };
    parentPort!.postMessage({ id: message.id, error: { message: e.message, code: e.code, name: e.name } });
  }
});
