import { packageBuild } from '../../tooling/tsup.config.base';

export default packageBuild({
  index: 'src/index.ts',
  bin: 'src/bin.ts',
  // the worker threads of `eval frame --threads`, loaded by path next to index/bin
  'frame-shard-worker': 'src/commands/frame-shard-worker.ts',
});
