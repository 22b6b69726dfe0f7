import { formatProposalsJson, type ProposalsFile, parseProposalsJson } from './proposals-json';

const file: ProposalsFile = {
  method: 'step',
  labels: ['run', 'walk'],
  clips: [
    {
      video: 'run/a',
      start: 5,
      length: 2,
      stages: [
        { name: 'initial', proposals: [{ start: 3, boxes: new Float64Array(24).fill(1) }] },
        {
          name: 'step 1',
          proposals: [
            {
              start: 5,
              boxes: Float64Array.from([0, 0, 10, 10, 1, 1, 9, 9]),
              label: 1,
              score: 0.75,
            },
          ],
        },
      ],
    },
  ],
};

describe('per-stage proposals JSON', () => {
  it('round-trips through its text', () => {
    const back = parseProposalsJson(formatProposalsJson(file), 'p.json');
    expect(back).toEqual(file);
  });

  it('names the file and the key path of a bad value', () => {
    const text = formatProposalsJson(file).replace('[1,1,9,9]', '[1,1,0,9]');
    expect(() => parseProposalsJson(text, 'p.json')).toThrow(
      'p.json (key clips[0].stages[1].proposals[0].boxes[1]): expected [x1, y1, x2, y2] with x2 ≥ x1, y2 ≥ y1, got [1,1,0,9]',
    );
    expect(() =>
      parseProposalsJson(formatProposalsJson(file).replace('"label":1', '"label":2'), 'p.json'),
    ).toThrow(
      'p.json (key clips[0].stages[1].proposals[0].label): expected an integer in 0…1, got 2',
    );
    expect(() =>
      parseProposalsJson(formatProposalsJson(file).replace('"step 1"', '"initial"'), 'p.json'),
    ).toThrow('p.json (key clips[0].stages[1].name): stage "initial" appears twice in this clip');
    expect(() => parseProposalsJson('{"format":"tubekit-gt"}', 'p.json')).toThrow(
      'p.json (key format): expected "tubekit-proposals", got "tubekit-gt"',
    );
    expect(() => parseProposalsJson('{"format":', 'p.json')).toThrow(
      /^p\.json \(line 1, column \d+\): not valid JSON/,
    );
  });
});
