import { formatValue, svgBarPlot, svgLinePlot } from './svg-plot';

describe('svg plots', () => {
  it('draws one path per line series, a marker per finite point, escaped labels', () => {
    const svg = svgLinePlot({
      title: 'IoU <t, t+Δ>',
      series: [
        {
          name: 'a',
          points: [
            [6, 0.9],
            [12, 0.8],
            [18, 0.7],
          ],
        },
        {
          name: 'b',
          points: [
            [6, 0.95],
            [12, Number.NaN],
            [18, 0.8],
          ],
        },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('IoU &lt;t, t+Δ&gt;');
    expect(svg.match(/<path d="M[^"]*" fill="none"/g)).toHaveLength(2);
    // series a: 3 circles (+1 in the legend); series b: 2 squares (+1 in the legend)
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="6" height="6"/g)).toHaveLength(3);
    expect(svg).toContain('stroke-dasharray="6 3"');
  });
  it('dodges equal series sideways so none hides another', () => {
    const same: Array<[number, number]> = [
      [1, 5],
      [2, 6],
    ];
    const svg = svgLinePlot({
      title: 't',
      dodge: 6,
      series: [
        { name: 'a', points: same },
        { name: 'b', points: same },
      ],
    });
    const starts = [...svg.matchAll(/<path d="M([\d.]+) /g)].map((m) => Number(m[1]));
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeCloseTo(6);
  });
  it('draws one bar per finite value, labels small values with their digits, checks lengths', () => {
    const svg = svgBarPlot({
      title: 'f',
      categories: ['x', 'y'],
      series: [
        { name: 'p', values: [0.04, 2] },
        { name: 'q', values: [3, Number.NaN] },
      ],
    });
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width=/g)?.length).toBe(3 + 2);
    expect(svg).toContain('>0.04</text>');
    expect(() =>
      svgBarPlot({ title: 'f', categories: ['x'], series: [{ name: 'p', values: [] }] }),
    ).toThrow(/series "p" has 0 values, expected 1/);
  });
  it('wraps a long legend into rows and grows the canvas', () => {
    const series = Array.from({ length: 12 }, (_, i) => ({
      name: `a rather long series name ${i}`,
      points: [[0, i] as [number, number]],
    }));
    const svg = svgLinePlot({ title: 't', series });
    const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(height).toBeGreaterThan(340);
  });
});

describe('formatValue', () => {
  it('never prints a small non-zero value as 0', () => {
    expect(formatValue(0.04)).toBe('0.04');
    expect(formatValue(0.0012)).toBe('0.0012');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(12.345)).toBe('12.3');
    expect(formatValue(2.5)).toBe('2.5');
    expect(formatValue(250.4)).toBe('250');
    expect(formatValue(Number.NaN)).toBe('–');
  });
});
