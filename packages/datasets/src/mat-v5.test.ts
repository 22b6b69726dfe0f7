import { SAMPLE, writeTestMat } from '../test/mat-writer';
import { TubekitFormatError } from './format-error';
import { type MatCell, type MatChar, type MatNumeric, type MatStruct, parseMat } from './mat-v5';

describe('parseMat', () => {
  it.each([false, true])(
    'reads struct, char, cell and numeric arrays (compressed: %s)',
    (compress) => {
      const mat = parseMat(writeTestMat(SAMPLE, compress), 'sample.mat');
      expect(mat.header).toMatch(/^MATLAB 5\.0 MAT-file/);
      const annot = mat.variables.get('annot') as MatStruct;
      expect(annot.kind).toBe('struct');
      expect(annot.dims).toEqual([1, 2]);
      expect(annot.fields).toEqual(['name', 'boxes', 'ids']);
      const [a, b] = annot.elements;
      expect((a!.name as MatChar).rows).toEqual(['Run/v_1']);
      const boxes = a!.boxes as MatNumeric;
      expect(boxes.class).toBe('double');
      expect(Array.from(boxes.data)).toEqual([1, 2, 3, 4, 5, 6]); // row-major
      const ids = a!.ids as MatCell;
      expect((ids.items[0] as MatChar).rows).toEqual(['a']);
      expect(Array.from((ids.items[1] as MatNumeric).data)).toEqual([250, 7]);
      expect((ids.items[1] as MatNumeric).data).toBeInstanceOf(Uint8Array);
      expect((b!.ids as MatCell).items).toEqual([]);
    },
  );

  it('refuses non-MAT input, v7.3 files and truncation with file and offset', () => {
    expect(() => parseMat(new Uint8Array(10), 'x.mat')).toThrow(
      /x\.mat \(byte 0\): not a MAT-file/,
    );
    const v73 = new Uint8Array(200);
    v73.set(new TextEncoder().encode('MATLAB 7.3 MAT-file'));
    expect(() => parseMat(v73, 'h.mat')).toThrow(/HDF5/);
    const bytes = writeTestMat(SAMPLE);
    expect(() => parseMat(bytes.subarray(0, bytes.length - 9), 't.mat')).toThrow(
      TubekitFormatError,
    );
    expect(() => parseMat(bytes.subarray(0, bytes.length - 9), 't.mat')).toThrow(
      /t\.mat \(byte 128\): MAT-file: truncated: data element of \d+ bytes/,
    );
    const z = writeTestMat(SAMPLE, true);
    expect(() => parseMat(z.subarray(0, z.length - 5), 'z.mat')).toThrow(/z\.mat \(byte 128\)/);
    const garbage = z.slice();
    garbage.fill(0xff, 136);
    expect(() => parseMat(garbage, 'g.mat')).toThrow(
      /g\.mat \(byte 128\): MAT-file: compressed element does not inflate/,
    );
  });
});
