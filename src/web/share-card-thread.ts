import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { renderShareImage, type ShareCardText } from './share-image.tsx';

/**
 * A thread that draws share cards (share-card-renderer.ts is the main thread's side): satori and the
 * fonts load here once, and each card's ~20 ms of layout and rasterising never holds the main thread.
 * Cards are drawn one after another in the order they came; they wait here, so a main thread that is
 * busy for a moment does not leave this one idle.
 */
const port = parentPort!;

/** Nice 10: when this thread and the main thread (or the signing writer) both want a core, they get it. */
const DRAWING_NICENESS = 10;
try {
  // Linux keeps a nice value per thread; /proc/thread-self names this one ("pid/task/tid").
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), DRAWING_NICENESS);
} catch {
  // Not Linux: cards are drawn at the process's priority.
}

async function draw({ id, card }: { id: number; card: ShareCardText }): Promise<void> {
  try {
    const png = await renderShareImage(card);
    // A copy with its own buffer, which is moved to the main thread rather than copied again.
    const bytes = new Uint8Array(png);
    port.postMessage({ id, png: bytes }, [bytes.buffer]);
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
}

let drawn: Promise<void> = Promise.resolve();
port.on('message', (message: { id: number; card: ShareCardText }) => {
  drawn = drawn.then(() => draw(message));
});
