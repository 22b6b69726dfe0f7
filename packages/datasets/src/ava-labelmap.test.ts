import { parseAvaLabelmap, readAvaLabelmap } from './ava-labelmap';
import { tubekitDataPath } from './data-dir';

describe('AVA labelmap', () => {
  it('reads the official v2.1 labelmap (60 classes)', async () => {
    const labels = await readAvaLabelmap(
      tubekitDataPath('ava/ava_action_list_v2.1_for_activitynet_2018.pbtxt'),
    );
    expect(labels).toHaveLength(60);
    expect(labels[0]).toEqual({ id: 1, name: 'bend/bow (at the waist)' });
    expect(labels[1]).toEqual({ id: 3, name: 'crouch/kneel' });
  });

  it('reads the fixture labelmap, label_id, one-line items and comments', async () => {
    expect(await readAvaLabelmap(tubekitDataPath('fixtures/ava/action_list.txt'))).toEqual([
      { id: 1, name: 'action1' },
      { id: 2, name: 'action2' },
      { id: 3, name: 'action3' },
    ]);
    expect(
      parseAvaLabelmap(
        '# c\nitem { name: "a b" label_id: 4 label_type: PERSON_MOVEMENT }\n',
        'x.pbtxt',
      ),
    ).toEqual([{ id: 4, name: 'a b' }]);
  });

  it('names the file and line of a bad item', () => {
    expect(() => parseAvaLabelmap('item {\n  name: "a"\n}\n', 'l.pbtxt')).toThrow(
      /l.pbtxt \(line 1\): item lacks an id/,
    );
    expect(() =>
      parseAvaLabelmap('item {\n name: "a"\n id: 1\n}\nitem {\n name: "b"\n id: 1\n}\n', 'l.pbtxt'),
    ).toThrow(/line 5\): id 1 appears twice/);
    expect(() => parseAvaLabelmap('item {\n  id: x\n}\n', 'l.pbtxt')).toThrow(
      /line 2\): expected an integer id/,
    );
    expect(() => parseAvaLabelmap('', 'l.pbtxt')).toThrow(/no `item/);
    expect(() => parseAvaLabelmap('item {\n  id: 0x10\n}\n', 'l.pbtxt')).toThrow(
      /line 2\): expected an integer id 1 … 2147483647, got "0x10"/,
    );
    expect(() => parseAvaLabelmap('item {\n  id: 0\n}\n', 'l.pbtxt')).toThrow(/got "0"/);
  });

  it('names the file and line of an unclosed quote', () => {
    expect(() => parseAvaLabelmap('item {\n  name: "stand\n  id: 12\n}\n', 'l.pbtxt')).toThrow(
      'l.pbtxt (line 2): unclosed quote: expected the "…" string to end on this line, got "name: \\"stand"',
    );
    expect(() =>
      parseAvaLabelmap(
        'item {\n  name: "a\n  id: 1\n}\nitem {\n  name: "b"\n  id: 2\n}\n',
        'l.pbtxt',
      ),
    ).toThrow(/l\.pbtxt \(line 2\): unclosed quote/);
    expect(() => parseAvaLabelmap('item {\n  name: "a\\q"\n  id: 1\n}\n', 'l.pbtxt')).toThrow(
      /l\.pbtxt \(line 2\): name "\\"a\\\\q\\"" is not a valid quoted string/,
    );
  });
});
