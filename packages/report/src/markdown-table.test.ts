import { formatCell, markdownTable } from './markdown-table';

describe('markdownTable', () => {
  it('renders header, alignment rule and formatted rows', () => {
    const md = markdownTable({
      header: ['Mode', 'f-mAP'],
      rows: [
        ['RGB', 66.7],
        ['Flow', null],
      ],
    });
    expect(md).toBe('| Mode | f-mAP |\n| :--- | ---: |\n| RGB | 66.7 |\n| Flow | – |\n');
  });
  it('names the row whose cell count is wrong', () => {
    expect(() => markdownTable({ header: ['a', 'b'], rows: [['x']] })).toThrow(
      /row 0 has 1 cells, expected 2/,
    );
  });
  it('escapes pipes and formats NaN as missing', () => {
    expect(formatCell('a|b')).toBe('a\\|b');
    expect(formatCell(Number.NaN)).toBe('–');
    expect(formatCell(1.23456, 3)).toBe('1.235');
  });
});
