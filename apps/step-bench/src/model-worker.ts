/**
 * Child process of `trainInWorkers`: `model-worker.ts <profile> <outDir>`. Renders the profile's
 * SynthTubes data once, then trains the models the parent sends (`{ train: id }`), answering
 * `{ done: id }` after each summary is cached; exits when the parent disconnects.
 */
import { initBackend } from '@tubekit/nn';
import { PROFILES, type StepProfileName } from './profiles';
import {
  prepareSynthBench,
  profileModels,
  trainAndSummarize,
  type WorkerMessage,
} from './train-models';

const [name, outDir] = process.argv.slice(2);
const profile = PROFILES[name as StepProfileName];
if (!profile || !outDir || !process.send) {
  process.stderr.write(
    `model-worker: usage model-worker.ts <${Object.keys(PROFILES).join('|')}> <outDir> (as a forked child)\n`,
  );
  process.exit(2);
}
const send = (m: WorkerMessage) => process.send?.(m);
await initBackend({ log: () => undefined });
const bench = await prepareSynthBench(profile, outDir);
const models = profileModels(profile);
process.on('message', (m: WorkerMessage) => {
  if (!('train' in m)) return;
  const config = models.find((c) => c.id === m.train);
  if (!config) {
    process.stderr.write(`model-worker: unknown model ${m.train}\n`);
    process.exit(2);
  }
  trainAndSummarize(bench, config).then(
    (s) => {
      process.stdout.write(
        `${s.id}: frame-mAP by step ${s.frameMapByStep.map((x) => x.toFixed(1)).join(' → ')}\n`,
      );
      send({ done: s.id });
    },
    (error: Error) => {
      process.stderr.write(`model-worker: ${m.train} failed — ${error.message}\n`);
      process.exit(1);
    },
  );
});
send({ ready: true });
