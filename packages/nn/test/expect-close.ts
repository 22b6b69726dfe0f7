/**
 * Asserts that two lists of arrays (e.g. a kernel's outputs and gradients on two backends) agree
 * within `tol`, relative to the magnitude where it exceeds 1 and absolute below.
 */
export function expectClose(a: Float32Array[], b: Float32Array[], tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) {
    expect(a[k].length).toBe(b[k].length);
    let worst = 0;
    for (let i = 0; i < a[k].length; i++)
      worst = Math.max(worst, Math.abs(a[k][i] - b[k][i]) / Math.max(1, Math.abs(a[k][i])));
    expect(worst).toBeLessThan(tol);
  }
}
