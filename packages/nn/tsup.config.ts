import { packageBuild } from '../../tooling/tsup.config.base';

export default packageBuild();
