import { packageBuild } from '../../tooling/tsup.config.base';

export default packageBuild({
  index: 'src/index.ts',
  // the child process of each job, forked by path next to index
  'job-child': 'src/job-child.ts',
});
