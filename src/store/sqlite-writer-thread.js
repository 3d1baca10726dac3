// The signing writer's thread entry: plain JavaScript, because a worker does not inherit the main
// thread's TypeScript loader when the app runs from bin/undersign.js.
import { register } from 'tsx/esm/api';

register();
await import('./sqlite-writer-thread.ts');
