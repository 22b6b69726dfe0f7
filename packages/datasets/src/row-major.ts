/**
 * Reorders column-major (Fortran/MATLAB) data of shape `dims` into row-major (C) order, into a
 * new container made by `make` (or returns `data` itself when the orders coincide: at most one
 * dimension longer than 1). `dims` is the shape in both orders (the first index varies fastest
 * in the input, the last in the output). One pass, no per-element allocation.
 *
 * @example
 * columnToRowMajor(Float64Array.from([1, 3, 2, 4]), [2, 2], (n) => new Float64Array(n)); // [1, 2, 3, 4]
 */
export function columnToRowMajor<T extends { length: number; [i: number]: unknown }>(
  data: T,
  dims: readonly number[],
  make: (n: number) => T,
): T {
  const n = data.length;
  const nd = dims.length;
  // at most one dimension longer than 1 (scalars, vectors): both orders coincide, no copy
  let long = 0;
  for (let d = 0; d < nd; d++) if (dims[d]! > 1) long++;
  if (long <= 1) return data;
  const out = make(n);
  if (nd === 2) {
    // the common matrix case (e.g. a numpy T×4 box array in Fortran order), without index arrays
    const [rows, columns] = dims as [number, number];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < columns; c++) out[r * columns + c] = data[r + rows * c];
    return out;
  }
  const idx = new Array<number>(nd).fill(0);
  const stride = new Array<number>(nd);
  stride[0] = 1;
  for (let d = 1; d < nd; d++) stride[d] = stride[d - 1]! * dims[d - 1]!;
  let src = 0;
  for (let o = 0; o < n; o++) {
    out[o] = data[src];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      src += stride[d]!;
      if (idx[d]! < dims[d]!) break;
      src -= stride[d]! * dims[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
