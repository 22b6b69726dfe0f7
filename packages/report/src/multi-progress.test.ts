import { createMultiProgress, formatDuration } from './multi-progress';
import { createProgress, type ProgressEvent, setProgressSink } from './progress';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return {
    out,
    stream: {
      isTTY,
      columns: 120,
      write: (s: string) => out.push(s),
    } as unknown as NodeJS.WriteStream,
  };
}

describe('createMultiProgress', () => {
  it('redraws every worker and the total in place on a TTY, with the ETA', () => {
    let t = 0;
    const { out, stream } = fakeStream(true);
    const ui = createMultiProgress({ unit: 'models', total: 4, stream, live: true, now: () => t });
    t = 10_000;
    ui.update('w1', { label: 'train a', n: 5, total: 10, seconds: 1 });
    t = 20_000;
    ui.jobDone('w1', 'a');
    ui.update('w2', { label: 'train b', n: 5, total: 10, seconds: 1 });
    // 1 done + 0.5 running = 1.5 of 4 in 20 s: 2.5 left take 33 s
    expect(ui.totalLine()).toMatch(/^models 1\/4 \[.*\] 20s elapsed, ETA 33s$/);
    ui.log('a: frame-mAP 12.0');
    const screen = out.join('');
    expect(screen).toContain('\x1b[2F\x1b[J'); // moved up over the previous two lines
    expect(screen).toContain('a: frame-mAP 12.0\n');
    expect(screen).toContain('w2 train b [##########..........] 5/10');
    ui.stop();
    expect(out.at(-1)).toBe('\x1b[3F\x1b[J');
  });
  it('prints plain lines and no bars when not live', () => {
    const { out, stream } = fakeStream(false);
    const ui = createMultiProgress({ unit: 'models', total: 2, stream, alreadyDone: 1 });
    ui.update('w1', { label: 'train a', n: 5, total: 10, seconds: 1 });
    ui.jobDone('w1', 'a');
    expect(out).toEqual([expect.stringMatching(/^\[2\/2\] a done · models 2\/2 /)]);
  });
});

describe('setProgressSink', () => {
  it('routes bars to the sink instead of the stream', () => {
    const events: ProgressEvent[] = [];
    const { out, stream } = fakeStream(true);
    setProgressSink((e) => events.push(e));
    try {
      const bar = createProgress({ label: 'x', total: 2, stream });
      bar.tick();
      bar.done('ok');
    } finally {
      setProgressSink(undefined);
    }
    expect(out).toEqual([]);
    expect(events.map((e) => [e.n, e.done ?? false])).toEqual([
      [1, false],
      [2, true],
    ]);
  });
});

describe('formatDuration', () => {
  it('prints seconds, minutes and hours', () => {
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(3700)).toBe('1h01m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
