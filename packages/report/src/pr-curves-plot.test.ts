import { svgPrCurves } from './pr-curves-plot';

describe('svgPrCurves', () => {
  it('draws one curve per class with GT, from recall 0, with the AP in the legend', () => {
    const svg = svgPrCurves(
      [
        { label: 'run', gt: 2, ap: 0.75, curve: { precision: [1, 0.5], recall: [0.5, 0.5] } },
        { label: 'jump', gt: 0, ap: null, curve: { precision: [], recall: [] } },
      ],
      { title: 'PR @ 0.5' },
    );
    expect(svg.match(/<path d="M[^"]*" fill="none"/g)).toHaveLength(1);
    expect(svg).toContain('run 75.00');
    expect(svg).not.toContain('jump');
    expect(svg).toContain('>recall<');
  });
  it('says how to get curves when the result has none', () => {
    expect(() => svgPrCurves([{ label: 'a', gt: 1, ap: 0 }], { title: 't' })).toThrow(
      /curves: true/,
    );
  });
});
