import { Worker } from 'node:worker_threads';
import type { BatchResult, SignatureBatch } from './records.ts';

type Pending = { resolve: (r: BatchResult) => void; reject: (e: Error) => void };

/**
 * The main thread's side of the SQLite signing writer (sqlite-writer-thread.ts): hands each batch
 * to the thread and resolves when it has committed. Batches arrive one at a time (the group-commit
 * batcher keeps one in flight), and SQLite has one writer anyway.
 */
export class SqliteSignatureWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(path: string) {
    this.worker = new Worker(new URL('./sqlite-writer-thread.js', import.meta.url), { workerData: { path } });
    this.worker.on('message', (m: { id: number; result?: BatchResult; error?: { message: string; code?: string; name: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code, name: m.error.name }));
      else p.resolve(m.result!);
    });
    // A dead writer fails what it held and everything after: the batcher reports each signer an error.
    const fail = (error: Error) => {
      this.failure = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => code !== 0 && fail(new Error(`signing writer exited with code ${code}`)));
  }

  commit(batch: SignatureBatch): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, batch });
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    await exited;
  }
}
