import type { ViewError, ViewProposals, ViewSession, ViewVideo } from '../../src/view/view-api';
import { classColour, css, OUTCOMES } from './colours';
import { drawFrameBoxes, drawStage, drawTimeline, paintBackground, timelineHeight } from './draw';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  title: $<HTMLElement>('title'),
  video: $<HTMLSelectElement>('video'),
  protocol: $<HTMLSelectElement>('protocol'),
  iou: $<HTMLInputElement>('iou'),
  level: $<HTMLSelectElement>('level'),
  minScore: $<HTMLInputElement>('min-score'),
  showGt: $<HTMLInputElement>('show-gt'),
  showDet: $<HTMLInputElement>('show-det'),
  error: $<HTMLElement>('error'),
  frame: $<HTMLCanvasElement>('frame'),
  scrubber: $<HTMLInputElement>('scrubber'),
  frameLabel: $<HTMLElement>('frame-label'),
  timeline: $<HTMLCanvasElement>('timeline'),
  counts: $<HTMLElement>('counts'),
  dets: $<HTMLTableElement>('dets'),
  legend: $<HTMLUListElement>('legend'),
  stagesSection: $<HTMLElement>('stages-section'),
  stagesNote: $<HTMLElement>('stages-note'),
  stages: $<HTMLElement>('stages'),
  topN: $<HTMLInputElement>('top-n'),
};

const state: {
  session?: ViewSession;
  video?: ViewVideo;
  proposals?: ViewProposals;
  frame: number;
  scale: number;
  image: HTMLImageElement | null;
  /** Bumped on every frame change; a late image of an older frame is not drawn. */
  token: number;
} = { frame: 1, scale: 1, image: null, token: 0 };

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path);
  const body = (await res.json()) as T | ViewError;
  if (!res.ok) throw new Error((body as ViewError).error ?? `${res.status} ${res.statusText}`);
  return body as T;
}

function showError(error: unknown): void {
  ui.error.hidden = false;
  ui.error.textContent = error instanceof Error ? error.message : String(error);
}

const option = (value: string, text = value) =>
  Object.assign(document.createElement('option'), { value, textContent: text });

function minScore(): number {
  const v = Number(ui.minScore.value);
  return Number.isFinite(v) ? v : 0;
}

/** Redraws the frame canvas, the per-frame table, the timeline and the stage panels. */
function render(): void {
  const video = state.video;
  if (!video) return;
  const ctx = ui.frame.getContext('2d')!;
  paintBackground(ctx, state.image, ui.frame.width, ui.frame.height);
  const drawn = drawFrameBoxes(ctx, video, state.frame, {
    scale: state.scale,
    showGt: ui.showGt.checked,
    showDetections: ui.showDet.checked,
    minScore: minScore(),
  });
  ui.frame.dataset.frame = String(state.frame);
  ui.frame.dataset.drawn = JSON.stringify(drawn);
  ui.frameLabel.textContent = `frame ${state.frame} / ${video.nframes}`;
  ui.scrubber.value = String(state.frame);

  const rows = video.detections
    .map((d) => ({ d, k: state.frame - d.start }))
    .filter(({ d, k }) => k >= 0 && k < d.boxes.length && d.score >= minScore())
    .sort((a, b) => b.d.score - a.d.score);
  const tbody = ui.dets.tBodies[0]!;
  tbody.replaceChildren(
    ...rows.map(({ d, k }) => {
      const tr = document.createElement('tr');
      const o = OUTCOMES[d.outcomes[k]!];
      tr.dataset.outcome = d.outcomes[k]!;
      tr.innerHTML = '<td></td><td></td><td class="outcome"></td><td></td>';
      const [label, score, outcome, iou] = Array.from(tr.cells);
      label!.textContent = state.session?.labels[d.label] ?? String(d.label);
      label!.style.color = css(classColour(d.label));
      score!.textContent = d.score.toFixed(3);
      outcome!.textContent = o.tag;
      outcome!.title = o.title;
      outcome!.style.color = css(o.colour);
      iou!.textContent = d.iou[k] === null ? '–' : d.iou[k]!.toFixed(2);
      return tr;
    }),
  );
  const count = (tag: string) =>
    rows.filter(({ d, k }) => OUTCOMES[d.outcomes[k]!].tag === tag).length;
  ui.counts.textContent = video.detections.length
    ? `${count('TP')} TP · ${count('DUP')} duplicate · ${count('FP')} FP — ${video.protocol} at IoU ${video.iou} (${video.level} level)`
    : 'no detections loaded (tubekit view --det <csv>)';
  ui.counts.dataset.tp = String(count('TP'));
  ui.counts.dataset.fp = String(count('FP'));
  ui.counts.dataset.duplicate = String(count('DUP'));

  drawTimeline(ui.timeline.getContext('2d')!, video, state.frame, minScore());
  renderStages();
}

function renderStages(): void {
  const video = state.video;
  const proposals = state.proposals;
  if (!video || !proposals) return;
  const clip = proposals.clips
    .filter((c) => c.start <= state.frame && state.frame < c.start + c.length)
    .at(-1);
  ui.stagesNote.textContent = clip
    ? `${proposals.method}: target clip ${clip.start}–${clip.start + clip.length - 1}; ${clip.stages.length} stages`
    : `${proposals.method}: no clip covers frame ${state.frame}`;
  const topN = Math.max(1, Number(ui.topN.value) || 10);
  const small = Math.min(1, 240 / ui.frame.width);
  ui.stages.replaceChildren(
    ...(clip?.stages ?? []).map((stage) => {
      const figure = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(ui.frame.width * small);
      canvas.height = Math.round(ui.frame.height * small);
      const ctx = canvas.getContext('2d')!;
      paintBackground(ctx, state.image, canvas.width, canvas.height);
      const { drawn, onFrame } = drawStage(
        ctx,
        stage.proposals,
        video,
        state.frame,
        state.scale * small,
        topN,
      );
      canvas.dataset.stage = stage.name;
      canvas.dataset.drawn = JSON.stringify(drawn);
      const caption = document.createElement('figcaption');
      caption.textContent = `${stage.name} · ${Math.min(topN, onFrame)} of ${onFrame} proposals on this frame`;
      figure.append(canvas, caption);
      return figure;
    }),
  );
}

/** The colours of the classes of this video's GT and detections. */
function renderLegend(video: ViewVideo): void {
  const labels = [...new Set([...video.gt, ...video.detections].map((t) => t.label))].sort(
    (a, b) => a - b,
  );
  ui.legend.replaceChildren(
    ...labels.map((c) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.style.background = css(classColour(c));
      li.append(swatch, state.session?.labels[c] ?? String(c));
      return li;
    }),
  );
}

/** Moves to `frame` (clamped to the video), loads its image, redraws. */
function seek(frame: number): void {
  const video = state.video;
  if (!video) return;
  state.frame = Math.min(video.nframes, Math.max(1, Math.round(frame)));
  const token = ++state.token;
  const entry = state.session?.videos.find((v) => v.name === video.name);
  ui.frame.dataset.ready = 'false';
  if (!entry?.frames) {
    state.image = null;
    render();
    ui.frame.dataset.ready = 'true';
    return;
  }
  const image = new Image();
  image.onload = () => {
    if (token !== state.token) return;
    state.image = image;
    render();
    ui.frame.dataset.ready = 'true';
  };
  image.onerror = () => {
    if (token !== state.token) return;
    state.image = null;
    render();
    ui.frame.dataset.ready = 'true';
    getJson(image.src).catch(showError);
  };
  image.src = `/api/frame?video=${encodeURIComponent(video.name)}&frame=${state.frame}`;
  render();
}

/** Loads the selected video under the selected protocol, IoU and level. */
async function loadVideo(keepFrame: boolean): Promise<void> {
  ui.error.hidden = true;
  const params = new URLSearchParams({
    name: ui.video.value,
    protocol: ui.protocol.value,
    iou: ui.iou.value,
    level: ui.level.value,
  });
  const video = await getJson<ViewVideo>(`/api/video?${params}`);
  const sameVideo = state.video?.name === video.name;
  state.video = video;
  state.proposals = state.session?.proposals
    ? await getJson<ViewProposals>(`/api/proposals?video=${encodeURIComponent(video.name)}`)
    : undefined;
  ui.stagesSection.hidden = state.proposals === undefined;
  state.scale = Math.min(8, Math.max(0.25, 640 / video.width));
  ui.frame.width = Math.round(video.width * state.scale);
  ui.frame.height = Math.round(video.height * state.scale);
  ui.timeline.width = Math.max(ui.frame.width, 320);
  ui.timeline.height = timelineHeight(video, minScore());
  ui.scrubber.max = String(video.nframes);
  renderLegend(video);
  if (!sameVideo) state.image = null;
  seek(keepFrame && sameVideo ? state.frame : 1);
}

function onKey(event: KeyboardEvent): void {
  const target = event.target as HTMLElement;
  if (target !== ui.scrubber && (target.tagName === 'INPUT' || target.tagName === 'SELECT')) return;
  const step = event.shiftKey ? 10 : 1;
  const moves: Record<string, number> = {
    ArrowRight: state.frame + step,
    ArrowLeft: state.frame - step,
    Home: 1,
    End: state.video?.nframes ?? 1,
  };
  const to = moves[event.key];
  if (to === undefined) return;
  event.preventDefault();
  seek(to);
}

async function start(): Promise<void> {
  const session = await getJson<ViewSession>('/api/session');
  state.session = session;
  ui.title.textContent = session.title;
  document.title = `tubekit view · ${session.title}`;
  ui.video.replaceChildren(
    ...session.videos.map((v) => option(v.name, `${v.name} (${v.tubes} GT, ${v.detections} det)`)),
  );
  ui.video.value = session.defaults.video;
  ui.protocol.replaceChildren(...session.protocols.map((p) => option(p)));
  ui.protocol.value = session.defaults.protocol;
  ui.iou.value = String(session.defaults.iou);
  ui.level.value = session.defaults.level;
  ui.level.disabled = session.detections !== 'tube';
  const reload = () => loadVideo(true).catch(showError);
  ui.video.addEventListener('change', () => loadVideo(false).catch(showError));
  for (const el of [ui.protocol, ui.iou, ui.level]) el.addEventListener('change', reload);
  for (const el of [ui.showGt, ui.showDet, ui.topN]) el.addEventListener('change', render);
  ui.minScore.addEventListener('change', () => {
    if (state.video) ui.timeline.height = timelineHeight(state.video, minScore());
    render();
  });
  ui.scrubber.addEventListener('input', () => seek(Number(ui.scrubber.value)));
  ui.timeline.addEventListener('click', (event) => {
    const video = state.video;
    if (!video) return;
    const x = event.offsetX / ui.timeline.clientWidth;
    seek(1 + Math.floor(x * video.nframes));
  });
  document.addEventListener('keydown', onKey);
  await loadVideo(false);
}

start().catch(showError);
