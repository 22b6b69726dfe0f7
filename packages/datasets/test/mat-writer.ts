import { deflateSync } from 'node:zlib';

/** A tiny little-endian MAT v5 writer for tests (numeric doubles/uint8, char, cell, struct). */
export type TestMatValue =
  | { kind: 'double'; dims: number[]; colMajor: number[] }
  | { kind: 'uint8'; dims: number[]; colMajor: number[] }
  | { kind: 'char'; text: string }
  | { kind: 'cell'; dims: number[]; items: TestMatValue[] }
  | { kind: 'struct'; fields: string[]; elements: Record<string, TestMatValue>[] };

function element(type: number, data: Uint8Array): Uint8Array {
  const padded = (data.length + 7) & ~7;
  const out = new Uint8Array(8 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

function matrix(name: string, value: TestMatValue): Uint8Array {
  const flags = new Uint8Array(8);
  let dims: number[];
  const body: Uint8Array[] = [];
  let cls: number;
  switch (value.kind) {
    case 'double':
      cls = 6;
      dims = value.dims;
      body.push(element(9, new Uint8Array(Float64Array.from(value.colMajor).buffer)));
      break;
    case 'uint8':
      cls = 9;
      dims = value.dims;
      body.push(element(2, Uint8Array.from(value.colMajor)));
      break;
    case 'char':
      cls = 4;
      dims = [1, value.text.length];
      body.push(
        element(4, new Uint8Array(Uint16Array.from(value.text, (c) => c.charCodeAt(0)).buffer)),
      );
      break;
    case 'cell':
      cls = 1;
      dims = value.dims;
      for (const item of value.items) body.push(matrix('', item));
      break;
    case 'struct': {
      cls = 2;
      dims = [1, value.elements.length];
      const len = 32;
      body.push(element(5, new Uint8Array(Int32Array.from([len]).buffer)));
      const names = new Uint8Array(len * value.fields.length);
      value.fields.forEach((f, i) => {
        for (let k = 0; k < f.length; k++) names[i * len + k] = f.charCodeAt(k);
      });
      body.push(element(1, names));
      for (const e of value.elements) for (const f of value.fields) body.push(matrix('', e[f]!));
      break;
    }
  }
  new DataView(flags.buffer).setUint32(0, cls, true);
  const payload = concat([
    element(6, flags),
    element(5, new Uint8Array(Int32Array.from(dims).buffer)),
    element(
      1,
      Uint8Array.from(name, (c) => c.charCodeAt(0)),
    ),
    ...body,
  ]);
  return element(14, payload);
}

/** A MAT v5 file of `variables`; `compress` wraps each in miCOMPRESSED. */
export function writeTestMat(
  variables: Record<string, TestMatValue>,
  compress = false,
): Uint8Array {
  const header = new Uint8Array(128).fill(32);
  const text = 'MATLAB 5.0 MAT-file, written by tubekit tests';
  for (let i = 0; i < text.length; i++) header[i] = text.charCodeAt(i);
  header.fill(0, 116, 124);
  header[124] = 0;
  header[125] = 1;
  header[126] = 'I'.charCodeAt(0);
  header[127] = 'M'.charCodeAt(0);
  const parts: Uint8Array[] = [header];
  for (const [name, value] of Object.entries(variables)) {
    const m = matrix(name, value);
    if (!compress) parts.push(m);
    else {
      const z = deflateSync(m);
      const tag = new Uint8Array(8);
      new DataView(tag.buffer).setUint32(0, 15, true);
      new DataView(tag.buffer).setUint32(4, z.length, true);
      parts.push(tag, z);
    }
  }
  return concat(parts);
}

/** A small struct array exercising every supported class, for parser tests and fuzzing. */
export const SAMPLE = {
  annot: {
    kind: 'struct' as const,
    fields: ['name', 'boxes', 'ids'],
    elements: [
      {
        name: { kind: 'char' as const, text: 'Run/v_1' },
        // 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column-major
        boxes: { kind: 'double' as const, dims: [2, 3], colMajor: [1, 4, 2, 5, 3, 6] },
        ids: {
          kind: 'cell' as const,
          dims: [2, 1],
          items: [
            { kind: 'char' as const, text: 'a' },
            { kind: 'uint8' as const, dims: [1, 2], colMajor: [250, 7] },
          ],
        },
      },
      {
        name: { kind: 'char' as const, text: 'Walk/v_2' },
        boxes: { kind: 'double' as const, dims: [1, 1], colMajor: [0.5] },
        ids: { kind: 'cell' as const, dims: [0, 0], items: [] },
      },
    ],
  },
};
