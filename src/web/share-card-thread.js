// A share-card thread's entry: plain JavaScript, because a worker does not inherit the main thread's
// TypeScript loader when the app runs from bin/undersign.js (as store/sqlite-writer-thread.js).
import { register } from 'tsx/esm/api';

register();
await import('./share-card-thread.ts');
