/**
 * A uniform-grid spatial index over a growing subset of packed boxes (internal to NMS): `add(i)`
 * registers box i in every grid cell its extent touches, `near(i, out)` lists the registered
 * boxes that share a cell with box i — a superset of those that intersect it — each once.
 *
 * With cells about the size of an average box, each box touches a handful of cells, so greedy
 * NMS over N mostly non-overlapping boxes costs O(N) instead of O(N²) overlap tests. Boxes that
 * would touch more than `MAX_CELLS` cells go to a list that every query returns.
 *
 * Intervals are taken as closed `[x1, x2 + p]` (p = 1 for inclusive pixels), so any two boxes with
 * a positive intersection in that convention share at least one cell.
 */
export class BoxGrid {
  private static readonly MAX_CELLS = 64;
  private readonly x0: number;
  private readonly y0: number;
  private readonly invW: number;
  private readonly invH: number;
  private readonly gx: number;
  private readonly gy: number;
  private readonly head: Int32Array;
  private next = new Int32Array(64);
  private item = new Int32Array(64);
  private size = 0;
  private readonly big: Int32Array;
  private nBig = 0;
  private readonly stamp: Int32Array;
  private query = 0;

  constructor(
    private readonly boxes: ArrayLike<number>,
    n: number,
    private readonly p: number,
  ) {
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    let sw = 0;
    let sh = 0;
    for (let i = 0; i < n; i++) {
      const o = 4 * i;
      x0 = Math.min(x0, boxes[o]!);
      y0 = Math.min(y0, boxes[o + 1]!);
      x1 = Math.max(x1, boxes[o + 2]! + p);
      y1 = Math.max(y1, boxes[o + 3]! + p);
      sw += Math.max(boxes[o + 2]! + p - boxes[o]!, 0);
      sh += Math.max(boxes[o + 3]! + p - boxes[o + 1]!, 0);
    }
    const spanX = Math.max(x1 - x0, 1e-9);
    const spanY = Math.max(y1 - y0, 1e-9);
    // Cells about the mean box size, at most ~2N cells in all.
    const cap = Math.max(1, Math.floor(Math.sqrt(2 * n)));
    const gx = Math.min(cap, Math.max(1, Math.ceil(spanX / Math.max(sw / Math.max(n, 1), 1e-9))));
    const gy = Math.min(cap, Math.max(1, Math.ceil(spanY / Math.max(sh / Math.max(n, 1), 1e-9))));
    this.x0 = x0;
    this.y0 = y0;
    this.gx = gx;
    this.gy = gy;
    this.invW = gx / spanX;
    this.invH = gy / spanY;
    this.head = new Int32Array(gx * gy).fill(-1);
    this.big = new Int32Array(n);
    this.stamp = new Int32Array(n);
  }

  // Cell range of the last `cellRange` call (fields, so that no tuple is allocated per box).
  private cx0 = 0;
  private cy0 = 0;
  private cx1 = 0;
  private cy1 = 0;

  private cellRange(i: number): void {
    const o = 4 * i;
    const b = this.boxes;
    const gx = this.gx - 1;
    const gy = this.gy - 1;
    this.cx0 = Math.min(gx, Math.max(0, Math.floor((b[o]! - this.x0) * this.invW)));
    this.cy0 = Math.min(gy, Math.max(0, Math.floor((b[o + 1]! - this.y0) * this.invH)));
    this.cx1 = Math.min(gx, Math.max(0, Math.floor((b[o + 2]! + this.p - this.x0) * this.invW)));
    this.cy1 = Math.min(gy, Math.max(0, Math.floor((b[o + 3]! + this.p - this.y0) * this.invH)));
  }

  add(i: number): void {
    this.cellRange(i);
    const { cx0, cy0, cx1, cy1 } = this;
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > BoxGrid.MAX_CELLS) {
      this.big[this.nBig++] = i;
      return;
    }
    for (let cy = cy0; cy <= cy1; cy++)
      for (let cx = cx0; cx <= cx1; cx++) {
        if (this.size === this.item.length) {
          const item = new Int32Array(this.size * 2);
          item.set(this.item);
          this.item = item;
          const next = new Int32Array(this.size * 2);
          next.set(this.next);
          this.next = next;
        }
        const cell = cy * this.gx + cx;
        this.item[this.size] = i;
        this.next[this.size] = this.head[cell]!;
        this.head[cell] = this.size++;
      }
  }

  /** Registered boxes sharing a cell with box i (each once), in `out`; returns their count. */
  near(i: number, out: Int32Array): number {
    const q = ++this.query;
    this.cellRange(i);
    const { cx0, cy0, cx1, cy1 } = this;
    let c = 0;
    for (let r = 0; r < this.nBig; r++) {
      const k = this.big[r]!;
      this.stamp[k] = q;
      out[c++] = k;
    }
    for (let cy = cy0; cy <= cy1; cy++)
      for (let cx = cx0; cx <= cx1; cx++)
        for (let e = this.head[cy * this.gx + cx]!; e >= 0; e = this.next[e]!) {
          const k = this.item[e]!;
          if (this.stamp[k] !== q) {
            this.stamp[k] = q;
            out[c++] = k;
          }
        }
    return c;
  }
}
