import { packageBuild } from '../../tooling/tsup.config.base';

export default packageBuild({
  index: 'src/index.ts',
  bin: 'src/bin.ts',
  // the worker thread of `eval frame --threads`, loaded by path next to index/bin
  'frame-read-worker': 'src/commands/frame-read-worker.ts',
});
