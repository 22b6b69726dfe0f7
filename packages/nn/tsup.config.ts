import { packageBuild } from '../../tooling/tsup.config.base';

// tfjs-core's gradient and chained-op registrations ship only as ES modules: bundle them (see
// `src/init-backend.ts`); tfjs-core itself and the backends stay external.
export default packageBuild(undefined, {
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
