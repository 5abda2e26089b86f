// Renders a brief's HTML in Debian's headless Chromium and fails on what a reader or an
// auditor would: a console error, any request leaving the file, or a serious or critical axe
// accessibility violation. Saves phone, desktop, dark and print screenshots for review.
//
// usage: node check.mjs BRIEF.html SCREENSHOT_DIR
import { chromium } from 'playwright-core';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const [html, shots] = process.argv.slice(2);
if (!html || !shots) {
  console.error('usage: node check.mjs BRIEF.html SCREENSHOT_DIR');
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });
const here = path.dirname(fileURLToPath(import.meta.url));
const axePath = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
const url = pathToFileURL(path.resolve(html)).href;
const userDataDir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'heistbrief-chromium-'));

const problems = [];
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
  ],
});

async function visit(name, viewport, colorScheme, media) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme, media });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`${name}: request left the file: ${r.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  return page;
}

const desktop = await visit('desktop', { width: 1280, height: 900 }, 'light', 'screen');
await visit('phone', { width: 390, height: 844 }, 'light', 'screen');
await visit('dark', { width: 1280, height: 900 }, 'dark', 'screen');
await visit('print', { width: 1000, height: 1400 }, 'light', 'print');

// A link into a collapsed annex (a record's full entry, a numbered source) must open it: the
// annexes are closed by default, and a reader who follows a figure to its source must see it.
for (const selector of ['main a[href^="#"][href*="munchables"]', 'main a[href="#src-1"]']) {
  const link = desktop.locator(selector).first();
  const target = decodeURIComponent((await link.getAttribute('href')).slice(1));
  await link.click();
  const shown = await desktop.evaluate((id) => {
    const el = document.getElementById(id);
    return !!el && el.closest('details:not([open])') === null && el.getClientRects().length > 0;
  }, target);
  if (!shown) problems.push(`desktop: following ${selector} left #${target} hidden in a closed annex`);
}

// axe runs inside the page; injecting it is not a network request.
await desktop.addScriptTag({ path: axePath });
const result = await desktop.evaluate(async () => {
  // eslint-disable-next-line no-undef
  return await axe.run(document, { resultTypes: ['violations'] });
});
for (const v of result.violations) {
  const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
  const line = `axe ${v.impact}: ${v.id}: ${v.help} (${where})`;
  if (v.impact === 'serious' || v.impact === 'critical') problems.push(line);
  else console.log(`note: ${line}`);
}
await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });

if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`browser check passed: ${url}; screenshots in ${shots}`);
