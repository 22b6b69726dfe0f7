import { packageBuild } from '../../tooling/tsup.config.base';

// The bundle of tfjs-core's registrations (see `src/init-backend.ts`) ships next to `dist` as it is,
// once for both formats: `dist/index.{js,cjs}` import it by the same relative path as the source.
// The declarations import its declarations, which add tfjs-core's chained methods to `tf.Tensor`.
export default packageBuild(undefined, {
  external: [/\/generated\/tfjs-core-registrations\.cjs$/],
  dts: { banner: "import '../generated/tfjs-core-registrations.cjs';" },
});
