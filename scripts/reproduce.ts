/**
 * `pnpm reproduce [--profile smoke|quick|full] [--paper step|cfad|pcsc]` — the main job.
 *
 * Runs the benchmark app of each selected paper (apps/<paper>-bench) with the profile. Until the
 * benchmark apps land, it runs the geometry demo instead and says so.
 *
 * `--seeds 1,2,3` (with `--paper step` alone): STEP's model seeds in place of the profile's, e.g. to
 * decide the claims on `quick` (every seed starts from the same pretrained trunks).
 *
 * Across machines: `pnpm reproduce --queue redis://[:password@]host:port` puts the jobs of every
 * selected paper on that Redis's BullMQ queue for `tubekit worker --queue …` processes to run.
 *
 * `--conv wasm|onnxruntime` (default onnxruntime): where the trunks' convolutions run, in every process
 * (`reproduce({ convolutions })` of each app; onnxruntime needs onnxruntime-node installed).
 *
 * Tier 3 (your data): `pnpm reproduce [--paper step|cfad|pcsc]… --dataset <name> --root <frames>
 * --gt <annotations> [--flow-root <flow images>] [--train-split <name>] [--test-split <name>]
 * [--profile …]` runs each selected paper's `reproduceOnDataset` (apps/<paper>-bench/src/tier3.ts;
 * STEP when no --paper is given); `--flow-root` is read by PCSC only.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CONVOLUTIONS,
  type Convolutions,
  DEFAULT_CONVOLUTIONS,
  parseConvolutions,
} from '../apps/step-bench/src/convolutions';

const PAPERS = ['step', 'cfad', 'pcsc'] as const;
const PROFILES = ['smoke', 'quick', 'full'] as const;
type Paper = (typeof PAPERS)[number];
type Profile = (typeof PROFILES)[number];

const USER_DATA_FLAGS = [
  '--dataset',
  '--root',
  '--gt',
  '--flow-root',
  '--train-split',
  '--test-split',
] as const;
type UserData = Partial<Record<(typeof USER_DATA_FLAGS)[number], string>>;
const USAGE =
  `usage: pnpm reproduce [--profile smoke|quick|full] [--paper step|cfad|pcsc]… [--seeds 1,2,3 (step)] [--out <dir>] [--workers <n> | --queue redis://host:port] [--conv ${CONVOLUTIONS.join('|')}]\n` +
  `       pnpm reproduce [--paper step|cfad|pcsc]… --dataset <name> --root <frames> --gt <annotations> [--flow-root <flow images> (pcsc)] [--train-split train] [--test-split test] [--profile smoke|quick|full] [--conv ${CONVOLUTIONS.join('|')}]   (default paper: step)`;

function parse(argv: string[]): {
  profile: Profile;
  papers: Paper[];
  userData: UserData;
  out?: string;
  workers?: number;
  queue?: string;
  seeds?: number[];
  convolutions: Convolutions;
} {
  let profile: Profile = 'quick';
  const papers: Paper[] = [];
  const userData: UserData = {};
  let out: string | undefined;
  let workers: number | undefined;
  let queue: string | undefined;
  let seeds: number[] | undefined;
  let convolutions: Convolutions = DEFAULT_CONVOLUTIONS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--') continue;
    if (
      USER_DATA_FLAGS.includes(arg as keyof UserData) &&
      value !== undefined &&
      !value.startsWith('--')
    ) {
      userData[arg as keyof UserData] = value;
      i++;
    } else if (arg === '--out' && value !== undefined && !value.startsWith('--')) {
      out = value;
      i++;
    } else if (arg === '--queue' && /^rediss?:\/\//.test(value ?? '')) {
      queue = value;
      i++;
    } else if (arg === '--seeds' && /^[1-9]\d*(,[1-9]\d*)*$/.test(value ?? '')) {
      seeds = (value as string).split(',').map(Number);
      i++;
    } else if (arg === '--workers' && /^[1-9]\d*$/.test(value ?? '')) {
      workers = Number(value);
      i++;
    } else if (arg === '--conv') {
      try {
        convolutions = parseConvolutions(value);
      } catch (error) {
        console.error(`reproduce: ${(error as Error).message}`);
        process.exit(2);
      }
      i++;
    } else if (arg === '--profile' && PROFILES.includes(value as Profile)) {
      profile = value as Profile;
      i++;
    } else if (arg === '--paper' && PAPERS.includes(value as Paper)) {
      papers.push(value as Paper);
      i++;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(
        `reproduce: unexpected argument ${arg ?? ''} ${value ?? ''}; expected --profile ${PROFILES.join('|')}, --paper ${PAPERS.join('|')}, --seeds <n,n,…>, --out <dir>, --workers <n>, --queue redis://host:port, --conv ${CONVOLUTIONS.join('|')} or ${USER_DATA_FLAGS.join(' / ')} <value>\n${USAGE}`,
      );
      process.exit(2);
    }
  }
  if (
    seeds &&
    (papers.length === 0 || papers.some((p) => p !== 'step') || Object.keys(userData).length)
  ) {
    console.error(
      `reproduce: --seeds is read by STEP's SynthTubes run only (give --paper step alone, without --dataset)\n${USAGE}`,
    );
    process.exit(2);
  }
  if (Object.keys(userData).length) {
    const absent = (['--dataset', '--root', '--gt'] as const).filter((f) => !userData[f]);
    const flowWithoutPcsc = userData['--flow-root'] !== undefined && !papers.includes('pcsc');
    if (absent.length || flowWithoutPcsc) {
      console.error(
        `reproduce: ${absent.length ? `your data needs --dataset, --root and --gt together (missing ${absent.join(', ')})` : '--flow-root is read by PCSC only (add --paper pcsc)'}\n${USAGE}`,
      );
      process.exit(2);
    }
    return {
      profile,
      papers: papers.length ? [...new Set(papers)] : ['step'],
      userData,
      convolutions,
    };
  }
  return {
    profile,
    papers: papers.length ? papers : [...PAPERS],
    userData,
    out,
    workers,
    queue,
    seeds,
    convolutions,
  };
}

const root = resolve(import.meta.dirname, '..');
const { profile, papers, userData, out, workers, queue, seeds, convolutions } = parse(
  process.argv.slice(2),
);
if (userData['--dataset']) {
  for (const paper of papers) {
    const tier3 = await import(
      pathToFileURL(join(root, 'apps', `${paper}-bench`, 'src', 'tier3.ts')).href
    );
    try {
      await tier3.reproduceOnDataset({
        dataset: userData['--dataset'],
        root: userData['--root'],
        gt: userData['--gt'],
        ...(paper === 'pcsc' && { flowRoot: userData['--flow-root'] }),
        splits: { train: userData['--train-split'], test: userData['--test-split'] },
        profile,
        convolutions,
      });
    } catch (error) {
      console.error(`reproduce: ${(error as Error).message}`);
      process.exit(1);
    }
  }
  process.exit(0);
}
const available = papers.filter((p) =>
  existsSync(join(root, 'apps', `${p}-bench`, 'src', 'reproduce.ts')),
);
const missing = papers.filter((p) => !available.includes(p));
if (missing.length)
  console.log(`reproduce: no benchmark app yet for ${missing.join(', ')} — skipped.`);

if (available.length === 0) {
  console.log(
    'reproduce: no benchmark app exists yet, so the main job shows the @tubekit/geometry demo instead.\n',
  );
  await import(pathToFileURL(join(root, 'scripts', 'geometry-demo.ts')).href);
} else {
  for (const paper of available) {
    const app = await import(
      pathToFileURL(join(root, 'apps', `${paper}-bench`, 'src', 'reproduce.ts')).href
    );
    // tfjs-wasm trains on one thread: one worker process per core trains that many models at once.
    // Ctrl-C stops the run with exit code 130 and says how to resume; other failures print one
    // line (never a stack trace or a dump of minified library source).
    try {
      await app.reproduce({
        profile,
        workers: workers ?? availableParallelism(),
        outDir: out === undefined ? undefined : join(out, available.length > 1 ? paper : ''),
        exitOnInterrupt: true,
        queue,
        ...(seeds && { seeds }),
        convolutions,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`reproduce: ${message.split('\n')[0].slice(0, 300)}`);
      process.exit(1);
    }
  }
}
