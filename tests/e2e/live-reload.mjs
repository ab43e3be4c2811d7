// `regionprofil serve` in a real browser: an edit reloads the page and keeps its scroll
// position; a stylesheet edit is swapped in without a reload; a broken edit shows the
// errors over the last good page, and the fix clears them.
//
// Usage: node live-reload.mjs REGIONPROFIL SITE_COPY
//   REGIONPROFIL  the binary
//   SITE_COPY     a copy of the site that this script may edit

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const [binary, site] = process.argv.slice(2);
if (!binary || !site) {
  console.error('usage: node live-reload.mjs REGIONPROFIL SITE_COPY');
  process.exit(2);
}

const server = spawn(binary, ['serve', '--root', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const address = await new Promise((resolve, reject) => {
  let seen = '';
  server.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    seen += chunk;
    const found = seen.match(/Serving the site at (http:\/\/[^ ]+)/);
    if (found) resolve(found[1]);
  });
  server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  setTimeout(() => reject(new Error('serve did not start')), 30000);
});

const failures = [];
const check = (ok, what) => { console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
const edit = (rel, change) => {
  const file = path.join(site, rel);
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
};
const WAIT = { timeout: 20000 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 375, height: 500 } });
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${address}om-regionen/`, { waitUntil: 'load' });
  // Let the event stream connect before editing.
  await page.waitForSelector('html[data-regionprofil-live="connected"]', { state: 'attached', ...WAIT });

  // 1. A Markdown edit reloads the page where it was scrolled to.
  await page.evaluate(() => { window.scrollTo(0, 300); window.__notReloaded = true; });
  edit('content/om-regionen/_index.md', (text) => `${text}\nEn endring som vises med én gang.\n`);
  await page.waitForFunction(() => document.body.innerText.includes('En endring som vises med én gang.'), null, WAIT);
  await page.waitForFunction(() => window.scrollY > 0, null, WAIT).catch(() => {});
  const after = await page.evaluate(() => ({ reloaded: !window.__notReloaded, y: window.scrollY }));
  check(after.reloaded, 'a Markdown edit reloads the page');
  check(Math.abs(after.y - 300) <= 2, `the scroll position is kept (${after.y})`);

  // 2. A stylesheet edit is swapped in without a reload.
  await page.evaluate(() => { window.__notReloaded = true; });
  edit('themes/region/static/style.css', (text) => `${text}\nbody { outline: 3px solid rgb(1, 2, 3); }\n`);
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, WAIT);
  check(await page.evaluate(() => window.__notReloaded === true), 'a stylesheet edit applies without a reload');

  // 3. A broken edit shows the errors over the last good page; the fix clears them.
  const original = fs.readFileSync(path.join(site, 'content/om-regionen/_index.md'), 'utf8');
  edit('content/om-regionen/_index.md', (text) => text.replace('title: Regionen', 'title: Regionen\ntitel: Feil'));
  await page.waitForSelector('#regionprofil-errors', { state: 'visible', ...WAIT });
  const overlay = await page.textContent('#regionprofil-errors');
  check(overlay.includes('content/om-regionen/_index.md:3:1'), 'the overlay names the file, line and column');
  check(overlay.includes('did you mean `title`?'), 'the overlay gives the hint');
  check(await page.evaluate(() => document.body.innerText.includes('En endring som vises med én gang.')),
    'the last good page stays under the overlay');
  fs.writeFileSync(path.join(site, 'content/om-regionen/_index.md'), original.replace('En endring', 'Rettet: en endring'));
  await page.waitForFunction(() => document.body.innerText.includes('Rettet: en endring'), null, WAIT);
  check(await page.locator('#regionprofil-errors').count() === 0, 'the fix clears the overlay');
  check(errors.length === 0, `no script errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
} catch (error) {
  check(false, `live reload: ${error.message}`);
} finally {
  await browser.close();
  server.kill();
}

if (failures.length) {
  console.log(`${failures.length} live-reload check(s) failed`);
  process.exit(1);
}
console.log('Live reload works in Chromium');
