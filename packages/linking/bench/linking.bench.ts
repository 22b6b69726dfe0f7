import { defineBenchSuite } from '@tubekit/benchmarks';
import { linkOnline, SINGH_ONLINE_LINKING } from '../src/online-linking';
import {
  frameDetectionsAsTubelets,
  linkTubelets,
  MULTISPORTS_LINKING,
} from '../src/tubelet-linking';
import { GKIOXARI_MALIK_LINKING, linkViterbi, YOWO_LINKING } from '../src/viterbi-linking';
import { syntheticVideo } from './fixtures';

// 1 000 frames × 10 boxes per frame, one class: the Viterbi target case.
const viterbiVideo = syntheticVideo(1000, 10, 1, 1);
// 2 000 frames × 10 boxes × 24 classes = 480 000 boxes for the throughput cases.
const bigVideo = syntheticVideo(2000, 10, 24, 2);
const noNMS = { ...GKIOXARI_MALIK_LINKING, frameNMS: null };

export default defineBenchSuite({
  name: 'linking: linkers',
  cases: [
    {
      kind: 'micro',
      name: 'online linking (Singh), 480 000 boxes (2 000 frames × 10 boxes × 24 classes)',
      fn: () => linkOnline(bigVideo, SINGH_ONLINE_LINKING),
      units: { perCall: bigVideo.length, name: 'boxes' },
      target: { atLeastPerSecond: 1e6 },
      timeMs: 3000,
    },
    {
      kind: 'micro',
      name: 'Viterbi linking (G&M), 1 000 frames × 10 boxes, 1 class, per-frame NMS 0.3',
      fn: () => linkViterbi(viterbiVideo, GKIOXARI_MALIK_LINKING),
      target: { atMostMs: 50 },
    },
    {
      kind: 'micro',
      name: 'Viterbi linking (G&M), 1 000 frames × 10 boxes, 1 class, no NMS (10 paths)',
      fn: () => linkViterbi(viterbiVideo, noNMS),
      target: { atMostMs: 50 },
    },
    {
      kind: 'micro',
      name: 'Viterbi linking (YOWO), 1 000 frames × 10 boxes, 1 class (whole video, 3 paths)',
      fn: () =>
        linkViterbi(viterbiVideo, YOWO_LINKING, {
          nframes: new Map([[viterbiVideo.videos[0]!, 1000]]),
        }),
      target: { atMostMs: 50 },
    },
    {
      kind: 'micro',
      name: 'tubelet linking (MultiSports preset, K = 1), 480 000 boxes',
      fn: () => linkTubelets(frameDetectionsAsTubelets(bigVideo), MULTISPORTS_LINKING),
      units: { perCall: bigVideo.length, name: 'boxes' },
      timeMs: 3000,
    },
    {
      kind: 'measure',
      name: 'online linking (Singh), 480 000 boxes, per CPU second (robust to a shared, loaded machine)',
      run: () => {
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 5; i++) {
          const before = process.cpuUsage();
          linkOnline(bigVideo, SINGH_ONLINE_LINKING);
          const used = process.cpuUsage(before);
          best = Math.min(best, (used.user + used.system) / 1000);
        }
        return { cpuMs: best, boxesPerCpuSecond: bigVideo.length / (best / 1000) };
      },
      targets: { boxesPerCpuSecond: { atLeast: 1e6 } },
    },
  ],
});
