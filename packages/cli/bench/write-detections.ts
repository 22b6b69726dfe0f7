/**
 * `tsx packages/cli/bench/write-detections.ts <rows> <out.csv> [gt]` writes the benchmark's
 * synthetic frame detections (deterministic: the same rows, byte for byte, on every run) for the
 * UCF101-24 test split (default GT `ucf101-24/pyannot.pkl` under TUBEKIT_DATA), e.g. the 487 k-row
 * file of the end-to-end target:
 *
 *   tsx packages/cli/bench/write-detections.ts 487000 /tmp/dets-487k.csv
 *   node packages/cli/dist/bin.js eval frame --gt …/pyannot.pkl --det /tmp/dets-487k.csv --protocol voc
 */
import { loadDataset, tubekitDataPath } from '@tubekit/datasets';
import { writeSyntheticFrameDetections } from './synthetic-detections';

const [rows, out, gt = tubekitDataPath('ucf101-24/pyannot.pkl')] = process.argv.slice(2);
if (!(Number(rows) >= 0) || out === undefined) {
  process.stderr.write('usage: write-detections.ts <rows> <out.csv> [gt]\n');
  process.exit(2);
}
writeSyntheticFrameDetections(await loadDataset(gt), Number(rows), out);
