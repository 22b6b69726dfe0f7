let sharpLoaded = false;
jest.mock('sharp', () => {
  sharpLoaded = true;
  return jest.requireActual('sharp');
});

describe('loadSharp', () => {
  it('importing the package loads no sharp; encoding an image does', async () => {
    const datasets = await import('./index');
    expect(sharpLoaded).toBe(false);
    const png = await datasets.encodeFrameImage(new Float32Array(2 * 2 * 3).fill(0.5), 2, 2, 'png');
    expect(sharpLoaded).toBe(true);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
