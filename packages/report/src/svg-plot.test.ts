import { svgBarPlot, svgLinePlot } from './svg-plot';

describe('svg plots', () => {
  it('draws one path per line series with escaped labels', () => {
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
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(5);
  });
  it('draws one bar per finite value and checks lengths', () => {
    const svg = svgBarPlot({
      title: 'f',
      categories: ['x', 'y'],
      series: [
        { name: 'p', values: [1, 2] },
        { name: 'q', values: [3, Number.NaN] },
      ],
    });
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width=/g)?.length).toBe(3 + 2);
    expect(() =>
      svgBarPlot({ title: 'f', categories: ['x'], series: [{ name: 'p', values: [] }] }),
    ).toThrow(/series "p" has 0 values, expected 1/);
  });
});
