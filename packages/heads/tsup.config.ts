import { packageBuild } from '../../tooling/tsup.config.base';

export default packageBuild({
  index: 'src/index.ts',
  progressive: 'src/progressive/index.ts',
  'cross-stream': 'src/cross-stream/index.ts',
});
