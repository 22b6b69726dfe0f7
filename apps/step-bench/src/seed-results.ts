import type { VideoAnnotation } from '@tubekit/datasets';
import { fuseTubelets, gridSize } from '@tubekit/heads/progressive';
import { hybridFusionModelIds, streamModelId } from './configurations';
import {
  calibrationVideos,
  fitTrimmingCalibration,
  frameAPsOf,
  frameMapOf,
  linkTubes,
  type VideoTubelets,
  videoMapOf,
} from './evaluate';
import type { StepResults } from './step-results';
import type { ModelSummary, SynthBench } from './train-models';

/** The tubelets of a summary (`ModelSummary.tubelets`) as the evaluators take them. */
export function decodeTubelets(videos: Array<[string, number[][]]>): VideoTubelets {
  return new Map(
    videos.map(([v, rows]) => [
      v,
      rows.map((r) => ({
        start: r[0],
        label: r[1],
        score: r[2],
        boxes: Float64Array.from(r.slice(3)),
      })),
    ]),
  );
}

/**
 * Late fusion of several streams' tubelets of each video (`fuseTubelets`, STEP §3.5): hybrid
 * fusion passes the early-fusion, RGB and flow models' tubelets.
 */
export function fuseVideoTubelets(
  videos: readonly VideoAnnotation[],
  streams: readonly VideoTubelets[],
  K: number,
): VideoTubelets {
  return new Map(
    videos.map((v) => [
      v.name,
      fuseTubelets(
        streams.map((s) => s.get(v.name) ?? []),
        { clipLength: K },
      ),
    ]),
  );
}

/**
 * The results of one seed, from its models' summaries: the single-model cells read their final
 * frame-mAP, the fusions (STEP §4.3: late, hybrid; Table 2) are computed from the models' stored
 * tubelets. A fusion lacking one of its models' tubelets (a missing model, see `missingSummary`)
 * reads NaN in every cell, which the report shows as `–`: late fusion needs RGB and flow, hybrid
 * fusion and Table 2 need early fusion as well.
 */
export function seedResults(
  bench: Pick<SynthBench, 'profile' | 'synth' | 'train' | 'test'>,
  get: (id: string) => ModelSummary,
  tier2Results: StepResults['tier2'],
): { results: StepResults; linking: unknown } {
  const { profile, synth, test } = bench;
  const final = (id: string) => {
    const m = get(id).frameMapByStep;
    return m[m.length - 1];
  };
  const K = profile.clipLength;
  const rgb = decodeTubelets(get(streamModelId('rgb', profile.baseStream)).tubelets ?? []);
  const flow = decodeTubelets(get(streamModelId('flow', profile.baseStream)).tubelets ?? []);
  const early = decodeTubelets(get('early').tubelets ?? []);
  // a fusion lacking one of its models' tubelets is missing too
  const has = (id: string) => get(id).tubelets !== undefined;
  const lateFusable = [
    streamModelId('rgb', profile.baseStream),
    streamModelId('flow', profile.baseStream),
  ].every(has);
  const hybridFusable = lateFusable && has('early');
  const fuse = (streams: VideoTubelets[]) => fuseVideoTubelets(test, streams, K);
  const late = fuse([rgb, flow]);
  const hybrid = fuse([early, rgb, flow]);
  const hybridAPs = frameAPsOf(synth.dataset, test, hybrid, K);
  const hybridMap = hybridAPs.mAP;
  // per-class APs of a model: its summary's, else from its stored tubelets, else none
  const classAps = (id: string): Record<string, number> => {
    const s = get(id);
    if (s.frameClassAps) return s.frameClassAps;
    return s.tubelets ? frameAPsOf(synth.dataset, test, decodeTubelets(s.tubelets), K).byClass : {};
  };
  // Table 2's trimmer reads probabilities: a Platt scaling fit on the hybrid fusion's tubes of
  // training videos (never the test videos)
  const calibrationSet = calibrationVideos(bench);
  const calibrationOf = (id: string) => decodeTubelets(get(id).calibrationTubelets ?? []);
  const fit = hybridFusable
    ? fitTrimmingCalibration(
        calibrationSet,
        fuseVideoTubelets(
          calibrationSet,
          hybridFusionModelIds(profile.baseStream).map(calibrationOf),
          K,
        ),
        K,
      )
    : null;
  const linked = linkTubes(test, hybrid, K, true, fit?.scaling ?? null);
  const results: StepResults = {
    table1a: {
      '1': get('smax1').frameMapByStep,
      '2': get('smax2').frameMapByStep,
      '3': get('smax3').frameMapByStep,
      '4': get('smax4').frameMapByStep,
    },
    table1b: {
      rgb: final(streamModelId('rgb', profile.baseStream)),
      flow: final(streamModelId('flow', profile.baseStream)),
      late: lateFusable ? frameMapOf(synth.dataset, test, late, K) : Number.NaN,
      early: final('early'),
      hybrid: hybridMap,
    },
    figure5: {
      k6: final('smax3'),
      k30: final('k30-direct'),
      extrapolation: final('extrapolation'),
      anticipation: final('anticipation'),
    },
    byClass: {
      k6: classAps('smax3'),
      k30: classAps('k30-direct'),
      extrapolation: classAps('extrapolation'),
      anticipation: classAps('anticipation'),
      flow: classAps(streamModelId('flow', profile.baseStream)),
      hybrid: hybridFusable ? hybridAPs.byClass : {},
    },
    ablations: {
      full: final('smax3'),
      noSceneContext: final('no-scene-context'),
      uniformSampling: final('uniform-sampling'),
      constantIoU: final('constant-iou'),
    },
    figure6a: {
      steps: [1, 2, 3],
      fpsNoExtension: get('smax3').fpsByStep,
      fpsExtension: get('anticipation').fpsByStep,
    },
    figure6b: (['proposals-5', 'smax3', 'proposals-34'] as const).map((id) => {
      const s = get(id);
      return {
        proposals: gridSize(s.config.grid),
        frameMap: final(id),
        fps: s.fpsByStep[s.fpsByStep.length - 1],
      };
    }),
    table2: {
      frameMap: hybridMap,
      videoMap: videoMapOf(synth.dataset, test, linked.tubes),
      videoMapUncalibrated: videoMapOf(synth.dataset, test, linkTubes(test, hybrid, K).tubes),
      videoMapLinkingOnly: videoMapOf(synth.dataset, test, linkTubes(test, hybrid, K, false).tubes),
      calibration: fit && {
        ...fit.scaling,
        videos: calibrationSet.length,
        frames: fit.frames,
        actionFrames: fit.actionFrames,
      },
      protocol: 'act',
      linking: linked.pipeline.name,
    },
    tier2: tier2Results,
  };
  if (!hybridFusable) {
    const gone = (o: Record<string, number>) =>
      Object.fromEntries(Object.keys(o).map((k) => [k, Number.NaN]));
    results.table1b.hybrid = Number.NaN;
    results.table2.frameMap = Number.NaN;
    results.table2.videoMap = gone(results.table2.videoMap);
    results.table2.videoMapUncalibrated = gone(results.table2.videoMapUncalibrated);
    results.table2.videoMapLinkingOnly = gone(results.table2.videoMapLinkingOnly);
  }
  return { results, linking: linked.pipeline };
}
