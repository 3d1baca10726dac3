import { Worker } from 'node:worker_threads';
import type { BatchResult, SignatureBatch } from './records.ts';

/** A batch as it crosses to the writer thread. */
export interface WireBatch {
  id: number;
  at: number;
  signatures: string;
  confirmations: string[];
}

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
      // As one JSON string: the structured clone of hundreds of small objects cost the main thread
      // several times what JSON.stringify does (a string crosses as one copy). Dates do not survive
      // JSON, and the batch's time is its only one.
      this.worker.postMessage({ id, at: batch.now.getTime(), signatures: JSON.stringify(batch.signatures), confirmations: batch.confirmations } satisfies WireBatch);
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    await exited;
  }
}
