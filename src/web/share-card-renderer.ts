import { Worker } from 'node:worker_threads';
import type { ShareCardText } from './share-image.tsx';

export interface ShareCardRendererOptions {
  /** Threads drawing cards, one card each at a time; started with the first card, not with the server. */
  threads: number;
  /** Cards that may wait for a thread. Past that `render` refuses at once rather than queue without bound. */
  queue: number;
  /** A thread that draws nothing for this long while it has cards ends (the next card starts another). */
  timeoutMs?: number;
}

interface Job {
  id: number;
  card: ShareCardText;
  resolve: (png: Buffer) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Sent and not yet answered, in the order sent: the thread draws the first, the rest wait there. */
  jobs: Map<number, Job>;
  timer?: NodeJS.Timeout;
  error?: Error;
}

type Reply = { id: number; png?: Uint8Array; error?: string };

let drawn = 0;
/** Cards the threads of this process have drawn: tests read it to tell a drawing from a kept card. */
export const shareCardsDrawn = (): number => drawn;

/**
 * Draws share cards on worker threads (share-card-thread.ts) with a bounded queue: a card costs the main
 * thread a message each way, and at most `threads + queue` cards are taken at once; past that, none.
 * Cards are handed to the least busy thread as they come and wait there, so a thread never idles
 * waiting for the main thread to send the next.
 */
export class ShareCardRenderer {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: ShareCardRendererOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The PNG, or undefined at once when every thread is drawing and the queue is full: the caller answers busy. */
  render(card: ShareCardText): Promise<Buffer> | undefined {
    if (this.closed || this.taken() >= this.options.threads + this.options.queue) return undefined;
    return new Promise((resolve, reject) => this.send({ id: this.nextId++, card, resolve, reject }));
  }

  /** Cards taken and waiting for a thread now (not those being drawn). */
  get queued(): number {
    return this.taken() - this.threads.filter((t) => t.jobs.size > 0).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.threads.map((t) => {
        t.error ??= new Error('the share card renderer is closed');
        return t.worker.terminate();
      }),
    );
  }

  private taken(): number {
    return this.threads.reduce((n, t) => n + t.jobs.size, 0);
  }

  private send(job: Job): void {
    const idlest = this.threads.reduce<Thread | undefined>((best, t) => (!best || t.jobs.size < best.jobs.size ? t : best), undefined);
    const thread = !idlest || (idlest.jobs.size > 0 && this.threads.length < this.options.threads) ? this.spawn() : idlest;
    thread.jobs.set(job.id, job);
    if (thread.jobs.size === 1) this.watch(thread);
    thread.worker.postMessage({ id: job.id, card: job.card });
  }

  /** A hung drawing would hold its thread for good: one that answers nothing for timeoutMs is ended. */
  private watch(thread: Thread): void {
    clearTimeout(thread.timer);
    if (thread.jobs.size === 0) return;
    thread.timer = setTimeout(() => {
      thread.error ??= new Error(`drawing a share card took longer than ${this.timeoutMs} ms`);
      void thread.worker.terminate();
    }, this.timeoutMs);
  }

  private spawn(): Thread {
    const worker = new Worker(new URL('./share-card-thread.js', import.meta.url));
    // The server keeps the process alive while it serves; an idle renderer should not.
    worker.unref();
    const thread: Thread = { worker, jobs: new Map() };
    worker.on('message', (m: Reply) => {
      const job = thread.jobs.get(m.id);
      if (!job) return;
      thread.jobs.delete(m.id);
      this.watch(thread);
      if (m.png) {
        drawn++;
        job.resolve(Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength));
      } else job.reject(new Error(m.error ?? 'the share card thread sent nothing'));
    });
    worker.on('error', (error) => (thread.error ??= error));
    // A thread that ends fails the card it was drawing; those waiting there go to another thread.
    worker.on('exit', (code) => {
      clearTimeout(thread.timer);
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      const [drawing, ...waiting] = thread.jobs.values();
      thread.jobs.clear();
      const error = thread.error ?? new Error(`the share card thread exited with code ${code}`);
      drawing?.reject(error);
      for (const job of waiting) {
        if (this.closed) job.reject(error);
        else this.send(job);
      }
    });
    this.threads.push(thread);
    return thread;
  }
}
