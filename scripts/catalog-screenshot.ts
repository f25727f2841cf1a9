import { chromium } from 'playwright-core';

/**
 * `npx tsx scripts/catalog-screenshot.ts <url> <out.png> [width] [height]`: a screenshot of a served
 * EventCatalog page (the README's domain map) once its map has drawn, with Debian's Chromium. The
 * visualiser fits the whole map into the window; twice the pixels keep its labels legible when zoomed.
 */
const [url, out, width = '1600', height = '1000'] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: tsx scripts/catalog-screenshot.ts <url> <out.png> [width] [height]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({
    viewport: { width: Number(width), height: Number(height) },
    deviceScaleFactor: 2,
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  // The visualiser (React Flow) lays its nodes out after load; wait until they are drawn and settled.
  await page.locator('.react-flow__node').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForTimeout(1500);
  const nodes = await page.locator('.react-flow__node').count();
  await page.screenshot({ path: out });
  console.log(`${out}: ${nodes} nodes drawn at ${url}`);
} finally {
  await browser.close();
}
