/** placeholder replaced by the geometry implementation */
export function boxArea(x1: number, y1: number, x2: number, y2: number): number {
  return (x2 - x1) * (y2 - y1);
}
