import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tubekitDataPath } from './data-dir';
import { TubekitFormatError } from './format-error';
import { type NdArray, unpickle } from './pickle';

// Pickles written by CPython 3 + numpy 2.4 (protocols 0–5) and a hand-assembled Python 2
// protocol-2 pickle (BINSTRING data, `numpy.core.multiarray._reconstruct`), stored as base64.
const vectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'test', 'fixtures', 'pickle-vectors.json'), 'utf8'),
) as Record<string, string>;
const bytesOf = (key: string) => Uint8Array.from(Buffer.from(vectors[key]!, 'base64'));

function arr(value: unknown): NdArray {
  expect((value as NdArray).kind).toBe('ndarray');
  return value as NdArray;
}

describe('unpickle', () => {
  it.each([0, 1, 2, 3, 4, 5])('rebuilds every value of a protocol-%i pickle', (protocol) => {
    const v = unpickle(bytesOf(`p${protocol}`), `p${protocol}.pkl`) as Map<string, unknown>;
    const f8 = arr(v.get('f8'));
    expect(f8.dtype).toBe('f8');
    expect(f8.shape).toEqual([2, 3]);
    expect(Array.from(f8.data as Float64Array)).toEqual([1.5, -2, 3.25, 4, 5, 6]);
    const u1 = arr(v.get('u1'));
    expect(u1.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(u1.data as Uint8Array)).toEqual([250, 10, 3, 4]);
    expect(Array.from(arr(v.get('u2be')).data as Uint16Array)).toEqual([1, 65535, 258]);
    expect(Array.from(arr(v.get('i8')).data as Float64Array)).toEqual([-3, 2 ** 40]);
    // Fortran order is returned in row-major order
    const f4 = arr(v.get('f4F'));
    expect(f4.shape).toEqual([2, 3]);
    expect(Array.from(f4.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(arr(v.get('b1')).data as Uint8Array)).toEqual([1, 0, 1]);
    expect(arr(v.get('U')).data).toEqual(['ab', 'cdé']);
    expect(v.get('scalar_u2')).toBe(300);
    expect(v.get('scalar_str')).toBe('Skijet/v_1');
    expect(v.get('scalar_f8')).toBe(0.1);
    expect(v.get('tuple')).toEqual([1, 'x', null]);
    expect(v.get('nested')).toEqual([new Map([['a', [1, 2]]]), new Map([[3, true]])]);
    expect(v.get('big')).toBe(2n ** 70n);
    expect(v.get('neg')).toBe(-123456789012);
    expect(v.get('float')).toBe(-0.5);
    expect(Array.from(v.get('bytes') as Uint8Array)).toEqual([0, 255, 97, 98]);
    expect(v.get('set')).toEqual(new Set([1, 2]));
    expect([...(v.get('od') as Map<string, number>).entries()]).toEqual([
      ['z', 1],
      ['a', 2],
    ]);
    expect(v.get('uni')).toBe('Pöl \u2603 \u{1F600}');
    expect(arr(v.get('obj')).data).toEqual([1, 'two', null]);
  });

  it('reads Python 2 byte strings as latin1 and their array data as bytes', () => {
    const v = unpickle(bytesOf('py2'), 'py2.pkl') as Map<string, unknown>;
    expect(v.get('labels')).toEqual(['a', 'bé']);
    const a = arr(v.get('arr'));
    expect(a.shape).toEqual([2, 2]);
    expect(Array.from(a.data as Float64Array)).toEqual([1, 2, 3, 4]);
  });

  it('rebuilds numpy 2 protocol-5 _frombuffer arrays', () => {
    const a = arr(unpickle(bytesOf('p5frombuffer'), 'p5.pkl'));
    expect(a.dtype).toBe('i2');
    expect(Array.from(a.data as Int16Array)).toEqual([0, 1, 2, 3]);
  });

  it('reads the MultiSports ACT fixture (protocol 2 with numpy, _codecs bytes)', () => {
    const v = unpickle(readFileSync(tubekitDataPath('fixtures/multisports/gt.pkl'))) as Map<
      string,
      unknown
    >;
    expect((v.get('labels') as string[]).length).toBe(66);
  });

  it('refuses unknown classes and names the byte offset', () => {
    // protocol 0: cos\nsystem\n(S'echo'\ntR.
    const evil = new TextEncoder().encode("cos\nsystem\n(S'echo'\ntR.");
    expect(() => unpickle(evil, 'evil.pkl')).toThrow(
      /evil\.pkl \(byte 21\): pickle: unsupported Python global os\.system/,
    );
  });

  it('fails on truncation with the offset, and on garbage', () => {
    const p = bytesOf('p4');
    expect(() => unpickle(p.subarray(0, 100), 't.pkl')).toThrow(TubekitFormatError);
    expect(() => unpickle(p.subarray(0, p.length - 1), 't.pkl')).toThrow(/no STOP|truncated/);
    expect(() => unpickle(new Uint8Array([0xff]), 'g.pkl')).toThrow(/byte 0.*unknown opcode 0xff/);
    expect(() => unpickle(new Uint8Array(0), 'e.pkl')).toThrow(/no STOP/);
  });

  it('refuses a 2M-digit integer with a clear error (no stack overflow); long binary ints stay exact', () => {
    const digits = '7'.repeat(2_000_000);
    for (const [op, text] of [
      ['LONG', `L${digits}L\n.`],
      ['INT', `I${digits}\n.`],
    ] as const) {
      const error = (() => {
        try {
          unpickle(new TextEncoder().encode(text), 'big.pkl');
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(TubekitFormatError);
      expect(error!.message).toContain(
        `${op}: an integer of 2000000 digits; at most 4300 are read (Python's int limit)`,
      );
    }
    // LONG1 of 9 bytes: -(2^71) + 1 … read exactly, linear in the length
    const long1 = Uint8Array.from([0x8a, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x2e]);
    expect(unpickle(long1, 'l.pkl')).toBe(-(2n ** 71n) + 1n);
    expect(unpickle(Uint8Array.from([0x8a, 2, 0xff, 0x00, 0x2e]), 'l.pkl')).toBe(255);
  });
});
