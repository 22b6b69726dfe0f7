import { Prng } from './prng';
import { smoothstep, stableCos, stableSin } from './stable-math';

describe('platform-stable trigonometry', () => {
  it('matches Math.sin/Math.cos to 1e-15 over the range SynthTubes uses', () => {
    const rng = new Prng(1);
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      const x = rng.uniform(-2000, 2000);
      worst = Math.max(
        worst,
        Math.abs(stableSin(x) - Math.sin(x)),
        Math.abs(stableCos(x) - Math.cos(x)),
      );
    }
    expect(worst).toBeLessThan(1e-12);
    expect(stableSin(Math.PI / 6)).toBeCloseTo(0.5, 15);
    expect(stableCos(0)).toBe(1);
    expect(stableSin(0)).toBe(0);
  });

  it('has a smooth 0→1 step', () => {
    expect([smoothstep(-1), smoothstep(0.5), smoothstep(2)]).toEqual([0, 0.5, 1]);
  });
});
