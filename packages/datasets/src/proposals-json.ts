import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@tubekit/report';
import { parseJsonText } from './dataset-json';
import { describeValue, TubekitFormatError } from './format-error';

/** The `format` tag of a per-stage proposals file. */
export const PROPOSALS_JSON_FORMAT = 'tubekit-proposals';
/** The `version` of the proposals file this package reads and writes. */
export const PROPOSALS_JSON_VERSION = 1;

/** One proposal: a box per frame over `start … start + boxes.length/4 − 1` (1-based frames). */
export interface Proposal {
  /** First frame (1-based). */
  start: number;
  /** `T × 4` packed `[x1, y1, x2, y2]` in video pixels. */
  boxes: Float64Array;
  /** 0-based label of the proposal's best class, when the stage classifies. */
  label?: number;
  /** Its score (e.g. the best class's probability), when the stage scores. */
  score?: number;
}

/** The proposals of one named stage of a detector (STEP: `initial`, `step 1`, …; CFAD: `coarse`, `refined`). */
export interface ProposalStage {
  name: string;
  proposals: Proposal[];
}

/** The stages of one target clip `start … start + length − 1` of a video, in the detector's order. */
export interface ClipProposals {
  video: string;
  start: number;
  length: number;
  stages: ProposalStage[];
}

/** A proposals file (docs/formats.md "Per-stage proposals"). */
export interface ProposalsFile {
  /** The detector that wrote it, e.g. `"step"`. */
  method: string;
  /** Label names that `label` indexes, when known. */
  labels?: string[];
  clips: ClipProposals[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function checkKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
  fail: (place: string, detail: string) => never,
): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      fail(at ? `${at}.${key}` : key, `unknown key; expected one of ${allowed.join(', ')}`);
}

/**
 * Parses a per-stage proposals file — `{format: "tubekit-proposals", version: 1, method, labels?,
 * clips: [{video, start, length, stages: [{name, proposals: [{start, boxes: number[][], label?,
 * score?}]}]}]}` — validating every key: frames are integers ≥ 1, boxes finite with x2 ≥ x1 and
 * y2 ≥ y1, stage names unique within a clip, labels inside `labels` when it is given. Errors name
 * `file` and the key path, e.g. `clips[0].stages[1].proposals[3].boxes[2]`.
 *
 * @example
 * const p = parseProposalsJson('{"format":"tubekit-proposals","version":1,"method":"step","clips":[' +
 *   '{"video":"run/a","start":1,"length":1,"stages":[{"name":"initial","proposals":' +
 *   '[{"start":1,"boxes":[[0,0,10,10]]}]}]}]}', 'p.json');
 * p.clips[0].stages[0].proposals[0].boxes; // Float64Array [0, 0, 10, 10]
 */
export function parseProposalsJson(text: string, file: string): ProposalsFile {
  const raw = parseJsonText(text, file);
  const fail = (place: string, detail: string): never => {
    throw new TubekitFormatError(file, place ? `key ${place}` : '', detail);
  };
  if (!isRecord(raw))
    return fail('', `expected a JSON object with format "${PROPOSALS_JSON_FORMAT}"`);
  checkKeys(raw, ['format', 'version', 'method', 'labels', 'clips'], '', fail);
  if (raw.format !== PROPOSALS_JSON_FORMAT)
    fail('format', `expected "${PROPOSALS_JSON_FORMAT}", got ${describeValue(raw.format)}`);
  if (raw.version !== PROPOSALS_JSON_VERSION)
    fail('version', `expected ${PROPOSALS_JSON_VERSION}, got ${describeValue(raw.version)}`);
  if (typeof raw.method !== 'string')
    fail('method', `expected a string, got ${describeValue(raw.method)}`);
  let labels: string[] | undefined;
  if (raw.labels !== undefined) {
    if (!Array.isArray(raw.labels) || raw.labels.some((l) => typeof l !== 'string'))
      fail('labels', 'expected an array of strings');
    labels = raw.labels as string[];
  }
  if (!Array.isArray(raw.clips))
    return fail('clips', `expected an array, got ${describeValue(raw.clips)}`);
  const frameAt = (value: unknown, at: string): number => {
    if (!(Number.isInteger(value) && (value as number) >= 1))
      fail(at, `expected an integer frame ≥ 1, got ${describeValue(value)}`);
    return value as number;
  };
  const clips = raw.clips.map((c, ci): ClipProposals => {
    const at = `clips[${ci}]`;
    if (!isRecord(c)) return fail(at, `expected an object, got ${describeValue(c)}`);
    checkKeys(c, ['video', 'start', 'length', 'stages'], at, fail);
    if (typeof c.video !== 'string' || c.video === '')
      fail(`${at}.video`, `expected a video name, got ${describeValue(c.video)}`);
    const start = frameAt(c.start, `${at}.start`);
    const length = frameAt(c.length, `${at}.length`);
    if (!Array.isArray(c.stages)) return fail(`${at}.stages`, 'expected an array of stages');
    const names = new Set<string>();
    const stages = c.stages.map((s, si): ProposalStage => {
      const sat = `${at}.stages[${si}]`;
      if (!isRecord(s)) return fail(sat, `expected an object, got ${describeValue(s)}`);
      checkKeys(s, ['name', 'proposals'], sat, fail);
      if (typeof s.name !== 'string' || s.name === '')
        fail(`${sat}.name`, `expected a stage name, got ${describeValue(s.name)}`);
      if (names.has(s.name as string))
        fail(`${sat}.name`, `stage ${describeValue(s.name)} appears twice in this clip`);
      names.add(s.name as string);
      if (!Array.isArray(s.proposals)) return fail(`${sat}.proposals`, 'expected an array');
      const proposals = s.proposals.map((p, pi): Proposal => {
        const pat = `${sat}.proposals[${pi}]`;
        if (!isRecord(p)) return fail(pat, `expected an object, got ${describeValue(p)}`);
        checkKeys(p, ['start', 'boxes', 'label', 'score'], pat, fail);
        const pStart = frameAt(p.start, `${pat}.start`);
        if (!Array.isArray(p.boxes) || p.boxes.length === 0)
          return fail(`${pat}.boxes`, 'expected a non-empty array of [x1, y1, x2, y2]');
        const boxes = new Float64Array(4 * p.boxes.length);
        p.boxes.forEach((b, bi) => {
          const ok =
            Array.isArray(b) &&
            b.length === 4 &&
            b.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
            b[2] >= b[0] &&
            b[3] >= b[1];
          if (!ok)
            fail(
              `${pat}.boxes[${bi}]`,
              `expected [x1, y1, x2, y2] with x2 ≥ x1, y2 ≥ y1, got ${JSON.stringify(b)?.slice(0, 80)}`,
            );
          boxes.set(b as number[], 4 * bi);
        });
        const out: Proposal = { start: pStart, boxes };
        if (p.label !== undefined) {
          const n = labels?.length;
          if (
            !(
              Number.isInteger(p.label) &&
              (p.label as number) >= 0 &&
              (n === undefined || (p.label as number) < n)
            )
          )
            fail(
              `${pat}.label`,
              `expected an integer in 0…${n === undefined ? '∞' : n - 1}, got ${describeValue(p.label)}`,
            );
          out.label = p.label as number;
        }
        if (p.score !== undefined) {
          if (typeof p.score !== 'number' || !Number.isFinite(p.score))
            fail(`${pat}.score`, `expected a finite number, got ${describeValue(p.score)}`);
          out.score = p.score as number;
        }
        return out;
      });
      return { name: s.name as string, proposals };
    });
    return { video: c.video as string, start, length, stages };
  });
  return labels === undefined
    ? { method: raw.method as string, clips }
    : { method: raw.method as string, labels, clips };
}

/** Reads a per-stage proposals file ({@link parseProposalsJson}). */
export async function readProposalsJson(path: string): Promise<ProposalsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TubekitFormatError(
      path,
      '',
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  return parseProposalsJson(text, path);
}

/**
 * The JSON text of a proposals file (boxes as `number[][]`, one clip per line).
 *
 * @example
 * formatProposalsJson({ method: 'step', clips: [] });
 */
export function formatProposalsJson(proposals: ProposalsFile): string {
  const clip = (c: ClipProposals) =>
    JSON.stringify({
      video: c.video,
      start: c.start,
      length: c.length,
      stages: c.stages.map((s) => ({
        name: s.name,
        proposals: s.proposals.map((p) => {
          const boxes: number[][] = [];
          for (let i = 0; i < p.boxes.length; i += 4)
            boxes.push(Array.from(p.boxes.subarray(i, i + 4)));
          return { start: p.start, boxes, label: p.label, score: p.score };
        }),
      })),
    });
  const head = JSON.stringify({
    format: PROPOSALS_JSON_FORMAT,
    version: PROPOSALS_JSON_VERSION,
    method: proposals.method,
    labels: proposals.labels,
  });
  return `${head.slice(0, -1)},"clips":[\n${proposals.clips.map(clip).join(',\n')}\n]}\n`;
}

/** Writes a proposals file atomically (temp file + rename). */
export async function writeProposalsJson(path: string, proposals: ProposalsFile): Promise<void> {
  await writeFileAtomic(path, formatProposalsJson(proposals));
}
