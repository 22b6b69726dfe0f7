import { userRunStart } from './user-dataset';

describe('userRunStart', () => {
  const profiles = { smoke: { n: 1 }, quick: { n: 2 } };

  it('picks the named profile, quick by default, and routes both kinds of line to options.log', () => {
    expect(userRunStart({ profile: 'smoke' }, profiles).profile).toEqual({ n: 1 });
    const lines: string[] = [];
    const { log, summary, profile } = userRunStart({ log: (l) => lines.push(l) }, profiles);
    expect(profile).toEqual({ n: 2 });
    log('progress');
    summary('done');
    expect(lines).toEqual(['progress', 'done']);
  });

  it('names an unknown profile and the ones there are, and does not take inherited keys', () => {
    expect(() => userRunStart({ profile: 'fast' }, profiles)).toThrow(
      'reproduceOnDataset: unknown profile "fast"; expected smoke, quick',
    );
    expect(() => userRunStart({ profile: 'toString' }, profiles)).toThrow(
      /unknown profile "toString"/,
    );
  });
});
