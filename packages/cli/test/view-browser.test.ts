import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@tubekit/datasets';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { DrawnBox } from '../src/view/view-api';
import { ViewData } from '../src/view/view-data';
import { startViewServer, type ViewServer } from '../src/view/view-server';
import { viewFixture } from './view-fixture';

/** Debian's chromium (apt-get install chromium), or the one named by TUBEKIT_CHROMIUM. */
const CHROMIUM = process.env.TUBEKIT_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SKIP = 'chromium not installed: viewer browser test skipped; apt-get install chromium';
if (!hasChromium) process.stderr.write(`${SKIP}\n`);
// CI installs chromium (.ci/run): there, a missing browser fails instead of skipping.
const mustRun = process.env.CI === 'true' && !hasChromium;

const packageDir = join(__dirname, '..');

if (mustRun)
  it('finds chromium in CI', () => {
    throw new Error(`${CHROMIUM} not found: .ci/run installs chromium with apt-get`);
  });

(hasChromium ? describe : describe.skip)(
  `tubekit view in headless Chromium${hasChromium ? '' : ` (${SKIP})`}`,
  () => {
    let fixture: Awaited<ReturnType<typeof viewFixture>>;
    let pageDir: string;
    let server: ViewServer;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      fixture = await viewFixture();
      pageDir = await mkdtemp(join(tmpdir(), 'tubekit-view-page-'));
      // The page as `pnpm build` makes it, built into a scratch folder (the test never depends on a prior build).
      const build = spawnSync(
        process.execPath,
        [
          join(packageDir, 'node_modules/vite/bin/vite.js'),
          'build',
          '--outDir',
          pageDir,
          '--emptyOutDir',
        ],
        { cwd: packageDir, encoding: 'utf8' },
      );
      if (build.status !== 0) throw new Error(`vite build failed: ${build.stderr}`);
      const data = await ViewData.load({ det: fixture.det, proposals: fixture.proposals });
      server = await startViewServer(data, { staticDir: pageDir });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu'],
      });
      page = await browser.newPage({
        viewport: { width: 1200, height: 900 },
        deviceScaleFactor: 1,
      });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await rm(pageDir, { recursive: true, force: true });
      await rm(fixture.dir, { recursive: true, force: true });
    });

    const ready = (frame: number) =>
      page.waitForSelector(`#frame[data-frame="${frame}"][data-ready="true"]`);
    const drawn = async (selector = '#frame') =>
      JSON.parse((await page.getAttribute(selector, 'data-drawn')) ?? '[]') as DrawnBox[];

    it('loads, scrubs with the keyboard and the slider, and draws GT and detections', async () => {
      await page.goto(server.url);
      await ready(1);
      expect(await page.textContent('#title')).toBe('SynthTubes synthtubes-smoke (seed 0)');
      await page.focus('#scrubber');
      await page.keyboard.press('End');
      await ready(fixture.nframes);
      await page.keyboard.press('Home');
      await ready(1);
      for (let i = 0; i < Math.floor((fixture.frame - 1) / 10); i++)
        await page.keyboard.press('Shift+ArrowRight');
      for (let i = 0; i < (fixture.frame - 1) % 10; i++) await page.keyboard.press('ArrowRight');
      await ready(fixture.frame);

      const boxes = await drawn();
      const gt = boxes.filter((b) => b.kind === 'gt');
      const scale = Number(await page.getAttribute('#frame', 'width')) / fixture.width;
      expect(gt).toHaveLength(1);
      expect(gt[0]!.rect).toEqual(fixture.box.map((v) => Math.round(v * scale)));
      expect(boxes.filter((b) => b.kind === 'det').map((b) => [b.score, b.outcome])).toEqual([
        [0.7, 'localization'],
        [0.8, 'duplicate'],
        [0.9, 'truePositive'],
      ]);
      expect(
        await page.$$eval('#dets tbody tr', (rows) =>
          rows.map((r) => r.getAttribute('data-outcome')),
        ),
      ).toEqual(['truePositive', 'duplicate', 'localization']);

      // Pixel check: the GT box's top edge, mid-way, is the class colour on the screenshot.
      const shot = join(pageDir, 'frame.png');
      const canvas = (await page.$('#frame'))!;
      await canvas.screenshot({ path: shot });
      const width = Number(await canvas.getAttribute('width'));
      const height = Number(await canvas.getAttribute('height'));
      const rgb = await decodeImage(shot, width);
      const [x1, y1, x2] = gt[0]!.rect;
      const at = (x: number, y: number) =>
        [0, 1, 2].map((c) => Math.round(255 * rgb[3 * (y * width + x) + c]!));
      expect(at(Math.round((x1 + x2) / 2), y1)).toEqual([...gt[0]!.colour]);
      // … and the frame's own pixels elsewhere are not that colour.
      expect(at(1, height - 2)).not.toEqual([...gt[0]!.colour]);
    });

    it('asks the server again when the IoU changes (the duplicate becomes a localisation error)', async () => {
      await page.fill('#iou', '0.9');
      await page.dispatchEvent('#iou', 'change');
      await page.waitForSelector('#counts[data-duplicate="0"]');
      expect(await page.getAttribute('#counts', 'data-fp')).toBe('2');
      expect(await page.getAttribute('#counts', 'data-tp')).toBe('1');
    });

    it('shows the proposals of each stage of the clip that covers the frame', async () => {
      const stages = await page.$$eval('#stages canvas', (cs) =>
        cs.map((c) => c.getAttribute('data-stage')),
      );
      expect(stages).toEqual(['initial', 'step 1']);
      const step1 = await drawn('#stages canvas[data-stage="step 1"]');
      expect(step1.filter((b) => b.kind === 'proposal').map((b) => b.score)).toEqual([0.9]);
      await page.focus('#scrubber');
      await page.keyboard.press('ArrowRight');
      await ready(fixture.frame + 1);
      expect(await page.$$eval('#stages canvas', (cs) => cs.length)).toBe(0);
    });
  },
);
