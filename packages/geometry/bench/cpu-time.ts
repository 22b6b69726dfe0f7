import { loadavg } from 'node:os';

/**
 * Run `fn` `reps` times and report wall and CPU time per call. On a shared machine the CPU time
 * of this process (user + system) separates the code's cost from time spent waiting for a core;
 * the 1-minute load average is reported beside it so readers can judge the wall numbers.
 */
export function timeCalls(
  fn: () => unknown,
  reps: number,
): { wallMs: number; cpuMs: number; loadAverage1m: number } {
  for (let i = 0; i < Math.min(5, reps); i++) fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  const wallMs = (performance.now() - t0) / reps;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 / reps, loadAverage1m: loadavg()[0]! };
}
