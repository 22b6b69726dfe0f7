import { defineBenchSuite } from '@tubekit/benchmarks';
import { actionnessTrimming, PCSC_TRIMMING } from '../src/actionness-trimming';
import { multiClassTrimming, SINGH_TRIMMING } from '../src/multi-class-trimming';
import { SAHA_TRIMMING, twoStateTrimming } from '../src/two-state-trimming';
import { syntheticTubes } from './fixtures';

// 10 000 tubes of 20–200 frames (≈ 1.1 M boxes), 24 classes.
const tubes = syntheticTubes(10_000, 3);

export default defineBenchSuite({
  name: 'linking: trimmers (10 000 tubes)',
  cases: [
    {
      kind: 'micro',
      name: 'two-state trimming (Saha), 10 000 tubes',
      fn: () => twoStateTrimming(tubes, SAHA_TRIMMING),
      target: { atMostMs: 1000 },
    },
    {
      kind: 'micro',
      name: 'multi-class trimming (Singh, 24 classes), 10 000 tubes',
      fn: () => multiClassTrimming(tubes, SINGH_TRIMMING),
      target: { atMostMs: 1000 },
    },
    {
      kind: 'micro',
      name: 'actionness trimming (PCSC, window 5), 10 000 tubes',
      fn: () => actionnessTrimming(tubes, PCSC_TRIMMING),
      target: { atMostMs: 1000 },
    },
    {
      kind: 'measure',
      name: 'multi-class trimming (Singh), 10 000 tubes, CPU time (robust to a shared, loaded machine)',
      run: () => {
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 3; i++) {
          const before = process.cpuUsage();
          multiClassTrimming(tubes, SINGH_TRIMMING);
          const used = process.cpuUsage(before);
          best = Math.min(best, (used.user + used.system) / 1000);
        }
        return { cpuMs: best };
      },
      targets: { cpuMs: { atMost: 1000 } },
    },
  ],
});
