import { packageBuild } from '../../tooling/tsup.config.base';

export default packageBuild({
  index: 'src/index.ts',
  progressive: 'src/progressive/index.ts',
  'coarse-to-fine': 'src/coarse-to-fine/index.ts',
  'cross-stream': 'src/cross-stream/index.ts',
});
