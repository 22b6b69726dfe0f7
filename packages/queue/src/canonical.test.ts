import { canonicalJson, configHash, jobIdOf } from './canonical';
import { describeDifferences, queueJob } from './job';
import { redactIn, redactUrl } from './redact';

describe('job ids', () => {
  it('do not depend on key order, and differ with any value', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(configHash({ x: 1, y: 2 })).toBe(configHash({ y: 2, x: 1 }));
    expect(configHash({ x: 1, y: 2 })).not.toBe(configHash({ x: 1, y: 3 }));
    expect(jobIdOf('step-model', { x: 1 })).toMatch(/^step-model@[0-9a-f]{64}$/);
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('NaN has no JSON form');
    expect(() => queueJob('../evil', {}, { label: 'x' })).toThrow('bad job kind');
  });

  it('name the differences between two environments', () => {
    expect(
      describeDifferences({ dataset: { h: 19, w: 2 }, v: 1 }, { dataset: { h: 20, w: 2 }, v: 1 }),
    ).toEqual(['dataset.h: queue 19, this worker 20']);
    expect(describeDifferences({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe('redaction', () => {
  it('masks the password of a Redis URL', () => {
    expect(redactUrl('redis://:s3cret@host:6379/0')).toBe('redis://:***@host:6379/0');
    expect(redactUrl('redis://user:s3cret@host:6379')).toBe('redis://user:***@host:6379');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(redactIn('ERR s3cret is wrong', 'redis://:s3cret@h:1')).toBe('ERR *** is wrong');
  });
});
