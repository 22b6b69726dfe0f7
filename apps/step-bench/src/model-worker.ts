/**
 * Child process of `trainJobs`: `model-worker.ts <profile> <outDir> <wasm|onnxruntime>` (where its
 * convolutions run: `selectConvolutions`). Loads the frames the parent
 * rendered, then trains the jobs the parent sends (`{ train: id, seed }`), answering
 * `{ done: id, seed, line }` after each summary is cached; its progress bars go to the parent
 * (`{ progress }`). It exits when the parent disconnects or goes away (even by SIGKILL).
 */
import { initBackend } from '@tubekit/nn';
import { setProgressSink } from '@tubekit/report';
import { CONVOLUTIONS, type Convolutions, selectConvolutions } from './convolutions';
import { firstLine } from './damaged-cache';
import { exitWithParent } from './parent-watch';
import { PROFILES, type StepProfileName } from './profiles';
import {
  prepareSynthBench,
  profileModels,
  summaryLine,
  trainAndSummarize,
  type WorkerMessage,
} from './train-models';

const [name, outDir, convolutions] = process.argv.slice(2);
const profile = PROFILES[name as StepProfileName];
if (!profile || !outDir || !CONVOLUTIONS.includes(convolutions as Convolutions) || !process.send) {
  process.stderr.write(
    `model-worker: usage model-worker.ts <${Object.keys(PROFILES).join('|')}> <outDir> <${CONVOLUTIONS.join('|')}> (as a forked child)\n`,
  );
  process.exit(2);
}
const checkParent = exitWithParent();
const send = (m: WorkerMessage) => process.send?.(m);
// Every bar tick is also a chance to notice a vanished parent during long training stretches.
setProgressSink((progress) => {
  checkParent();
  send({ progress });
});
const log = (line: string) => process.stdout.write(`${line}\n`);
await initBackend({ log: () => undefined });
await selectConvolutions(convolutions as Convolutions);
const bench = await prepareSynthBench(profile, outDir, log);
const models = profileModels(profile);
process.on('message', (m: WorkerMessage) => {
  if (!('train' in m)) return;
  const config = models.find((c) => c.id === m.train);
  if (!config) {
    process.stderr.write(`model-worker: unknown model ${m.train}\n`);
    process.exit(2);
  }
  trainAndSummarize(bench, config, m.seed, log).then(
    (s) => send({ done: s.id, seed: m.seed, line: summaryLine(s, m.seed, profile.seeds.length) }),
    (error: unknown) => {
      process.stderr.write(`model-worker: ${m.train} failed — ${firstLine(error)}\n`);
      process.exit(1);
    },
  );
});
send({ ready: true });
