// Entry of render-worker.ts's threads: Node 20's worker threads do not inherit tsx's loader from
// `node --import tsx`, so register it here, then run the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./render-worker.ts');
