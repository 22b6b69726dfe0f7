import { chromium } from 'playwright-core';
import { ViewData } from '../src/view/view-data';
import { startViewServer } from '../src/view/view-server';
import { viewFixture } from './view-fixture';

const [mode, out, ...rest] = process.argv.slice(2);
const f = await viewFixture();
const opts =
  mode === 'fixture' ? { det: f.det, proposals: f.proposals } : JSON.parse(rest[0] ?? '{}');
const data = await ViewData.load(opts);
const server = await startViewServer(data, {});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
page.on('console', (m) => console.log('page:', m.text()));
await page.goto(server.url);
await page.waitForSelector('#frame[data-ready="true"]');
await page.focus('#scrubber');
const steps = Number(process.env.STEPS ?? 10);
for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
await page.waitForSelector(`#frame[data-frame="${1 + steps}"][data-ready="true"]`);
await page.screenshot({ path: out, fullPage: true });
console.log(await page.textContent('#counts'), await page.textContent('#error'));
await browser.close();
await server.close();
