import { packageBuild } from '../../tooling/tsup.config.base';

export default packageBuild({ index: 'src/index.ts', bin: 'src/bin.ts' });
