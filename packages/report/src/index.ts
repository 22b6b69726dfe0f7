export type { AtomicWriteStream } from './atomic-write';
export { openAtomicWriteStream, writeFileAtomic, writeFileAtomicSync } from './atomic-write';
