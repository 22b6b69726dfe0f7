import { classApTable } from './class-ap-table';

describe('classApTable', () => {
  const seeds = [
    { walk: 40, run: 80, 'kick-bow': 10 },
    { walk: 44, run: 76, 'kick-bow': 20 },
  ];

  it('gives each class and model the mean ± sd over seeds, then the mean over all classes', () => {
    const t = classApTable([{ title: 'PCSC', seeds }], { classes: ['walk', 'run', 'kick-bow'] });
    expect(t.header).toEqual(['class', 'PCSC']);
    expect(t.rows).toEqual([
      ['walk', '42.0 ± 2.8'],
      ['run', '78.0 ± 2.8'],
      ['kick-bow', '15.0 ± 7.1'],
      // seed means 43.3 and 46.7
      ['mean over all 3 classes', '45.0 ± 2.4'],
    ]);
  });

  it('marks the classes set apart and adds the mean without them', () => {
    const t = classApTable([{ title: 'PCSC', seeds }], {
      classes: ['walk', 'run', 'kick-bow'],
      apart: { classes: ['kick-bow'], mark: ' (order)', meanTitle: 'mean without order classes' },
    });
    expect(t.rows[2]![0]).toBe('kick-bow (order)');
    // seed means 60 and 60
    expect(t.rows.at(-1)).toEqual(['mean without order classes', '60.0 ± 0.0']);
  });

  it('reads a seed without the measurement, or a NaN, as missing, not as 0', () => {
    const t = classApTable(
      [
        { title: 'A', seeds: [{ walk: 40 }, undefined] },
        { title: 'B', seeds: [{ walk: Number.NaN }] },
      ],
      { classes: ['walk'], apart: { classes: [], mark: '*', meanTitle: 'unused' } },
    );
    expect(t.rows).toEqual([
      ['walk', '40.0', '–'],
      ['mean over all 1 classes', '40.0', '–'],
    ]);
  });
});
