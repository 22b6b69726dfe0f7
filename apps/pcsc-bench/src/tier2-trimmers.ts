import {
  type ActionDataset,
  loadDataset,
  tubekitDataPath,
  type VideoAnnotation,
} from '@tubekit/datasets';
import { boxIoU, createRandom, type DetectedTube } from '@tubekit/geometry';
import {
  actionnessTrimming,
  linkOnline,
  multiClassTrimming,
  PCSC_TRIMMING,
  SAHA_TRIMMING,
  SINGH_ONLINE_LINKING,
  SINGH_TRIMMING,
  twoStateTrimming,
} from '@tubekit/linking';
import { actProtocol, type ProtocolProfile, singhProtocol, videoMeanAP } from '@tubekit/metrics';
import { simulateDetections } from './detector-simulator';

/** The trimmers compared after Singh's online linking. */
export const TIER2_TRIMMERS = [
  'none',
  'two-state (Saha)',
  'multi-class (Singh)',
  'actionness split',
  'actionness ends',
] as const;
export type Tier2Trimmer = (typeof TIER2_TRIMMERS)[number];

/** One dataset's tier-2 result: video-mAP@0.5 (%) per protocol and trimmer, or why it is absent. */
export type Tier2Dataset =
  | { videos: number; map: Record<string, Record<Tier2Trimmer, number>> }
  | { unavailable: string };

const PROTOCOLS: Record<string, ProtocolProfile> = { act: actProtocol, singh: singhProtocol };

/**
 * A simulated actionness classifier (the classifiers need video features, which tier 2 has not):
 * for a tube box of class c on frame f, 0.8 when a GT box of class c overlaps it by IoU > 0.5 on
 * that frame, else 0.2, plus N(0, 0.25²) noise — about 90% accurate at the 0.5 threshold.
 */
function simulatedActionness(
  video: VideoAnnotation,
  tubes: readonly DetectedTube[],
  seed: number,
): Float64Array[] {
  const rng = createRandom(seed);
  return tubes.map((tube) => {
    const T = tube.boxes.length / 4;
    const out = new Float64Array(T);
    for (let i = 0; i < T; i++) {
      const f = tube.start + i;
      let hit = false;
      for (const gt of video.tubes) {
        const j = f - gt.start;
        if (gt.label !== tube.label || j < 0 || j >= gt.boxes.length / 4) continue;
        if (
          boxIoU(gt.boxes.subarray(4 * j, 4 * j + 4), tube.boxes.subarray(4 * i, 4 * i + 4)) > 0.5
        )
          hit = true;
      }
      const u = Math.max(rng.next(), 1e-12);
      const noise = 0.25 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
      out[i] = (hit ? 0.8 : 0.2) + noise;
    }
    return out;
  });
}

/** The linked tubes of every trimmer, for one dataset's videos. */
export function trimmedTubes(
  dataset: ActionDataset,
  videos: readonly VideoAnnotation[],
  seed: number,
): Record<Tier2Trimmer, DetectedTube[]> {
  const C = dataset.labels.length;
  const { dets, classScores } = simulateDetections(videos, C, { seed });
  const linked = linkOnline(dets, SINGH_ONLINE_LINKING, { classScores, classes: C });
  const byVideo = new Map(videos.map((v) => [v.name, v]));
  const actionness = (cut: 'split' | 'ends') =>
    videos.flatMap((video, i) => {
      const mine = linked.filter((t) => t.video === video.name);
      return actionnessTrimming(
        mine,
        { ...PCSC_TRIMMING, cut },
        simulatedActionness(byVideo.get(video.name)!, mine, seed + i),
      );
    });
  return {
    none: linked,
    'two-state (Saha)': twoStateTrimming(linked, SAHA_TRIMMING),
    'multi-class (Singh)': multiClassTrimming(linked, SINGH_TRIMMING),
    'actionness split': actionness('split'),
    'actionness ends': actionness('ends'),
  };
}

/**
 * Tier 2 (spec §5 TR row; issue: "which trimmer helps where"): on the real UCF101-24 (untrimmed)
 * and J-HMDB (trimmed) test annotations, a detector simulator ({@link simulateDetections}) feeds
 * Singh's online linker; the trimmers are compared by video-mAP@0.5 under the `act` and `singh`
 * protocols. At most `maxVideos` test videos per dataset, evenly spaced over the split.
 */
export async function tier2Trimmers(
  maxVideos: number,
  seed: number,
  log: (line: string) => void,
): Promise<Record<string, Tier2Dataset>> {
  const out: Record<string, Tier2Dataset> = {};
  for (const [name, rel, split] of [
    ['UCF101-24', 'ucf101-24/pyannot.pkl', 'test'],
    ['J-HMDB-21', 'jhmdb-21/groundtruths_jhmdb.zip', 'test'],
  ] as const) {
    let dataset: ActionDataset;
    try {
      dataset = await loadDataset(tubekitDataPath(rel));
    } catch (error) {
      out[name] = { unavailable: (error as Error).message.split('\n')[0]! };
      log(
        `pcsc-bench: tier 2 ${name} unavailable (set TUBEKIT_DATA to the shared data folder) — ${out[name].unavailable}`,
      );
      continue;
    }
    // evenly spaced over the (class-sorted) split, so every class has test videos
    const all = dataset.splits[split] ?? Object.values(dataset.splits)[0] ?? [];
    const step = Math.max(1, all.length / maxVideos);
    const count = Math.min(maxVideos, all.length);
    const names = new Set(Array.from({ length: count }, (_, i) => all[Math.floor(i * step)]!));
    const videos = dataset.videos.filter((v) => names.has(v.name));
    const tubes = trimmedTubes(dataset, videos, seed);
    const map: Record<string, Record<Tier2Trimmer, number>> = {};
    for (const [p, protocol] of Object.entries(PROTOCOLS)) {
      map[p] = {} as Record<Tier2Trimmer, number>;
      for (const trimmer of TIER2_TRIMMERS) {
        const r = videoMeanAP({ labels: dataset.labels, videos }, tubes[trimmer], {
          protocol,
          iou: [0.5],
        });
        map[p][trimmer] = 100 * r.results[0]!.mAP;
      }
    }
    out[name] = { videos: videos.length, map };
  }
  return out;
}
