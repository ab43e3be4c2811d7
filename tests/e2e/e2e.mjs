// The built site in a real browser: every page loads with all its resources and no console
// errors, nothing scrolls sideways on a phone, every chart has a size, the language switcher
// lands on the translated page, axe finds no serious or critical violations, and
// screenshots are taken for people to look at.
//
// Usage: node e2e.mjs BASE_URL SITE_DIR SCREENSHOT_DIR
//   BASE_URL  where the site is served, e.g. http://127.0.0.1:8811/region/
//   SITE_DIR  the built output folder that is served there

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, siteDir, shotDir] = process.argv.slice(2);
if (!base || !siteDir || !shotDir) {
  console.error('usage: node e2e.mjs BASE_URL SITE_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const failures = [];
const fail = (what) => { failures.push(what); console.log(`  FAIL ${what}`); };

/** Every page of the output, as a URL under BASE. */
function pagesOf(dir) {
  const out = [];
  const walk = (folder) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'index.html') {
        const rel = path.relative(dir, path.dirname(full)).split(path.sep).join('/');
        // Listings redirect their page/1/ to themselves; the redirect is checked where it points.
        if (!/(^|\/)page\/1$/.test(rel)) out.push(rel === '' ? '' : `${rel}/`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync'],
});

/** Opens a page and reports the document status, failed resources and console errors. */
async function visit(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`failed to load ${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.url() !== url) problems.push(`${res.status()} for ${res.url()}`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || response.status() !== 200) problems.push(`answered ${response?.status()}`);
  return { page, problems };
}

// 1. Every page on a phone: loads, no console errors, no sideways scroll, charts have a size.
const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 1 });
const pages = pagesOf(siteDir);
console.log(`Visiting ${pages.length} pages at 375 px`);
for (const rel of pages) {
  const url = base + rel;
  const { page, problems } = await visit(phone, url);
  const layout = await page.evaluate(() => ({
    ogTitle: document.querySelector('meta[property="og:title"]')?.content,
    heading: document.querySelector('h1')?.textContent.trim(),
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
    charts: [...document.querySelectorAll('svg.chart-svg')].map((svg) => {
      const box = svg.getBoundingClientRect();
      return { width: box.width, height: box.height };
    }),
  }));
  // A shared link shows the page's own title (a home page's heading is its hero text).
  const isHome = rel === '' || /^[a-z]{2}\/$/.test(rel);
  if (!isHome && layout.ogTitle !== layout.heading) problems.push(`og:title "${layout.ogTitle}" is not the heading "${layout.heading}"`);
  if (layout.scrollWidth > layout.width) problems.push(`scrolls sideways: ${layout.scrollWidth} px wide at ${layout.width} px`);
  layout.charts.forEach((c, i) => { if (!(c.width > 0 && c.height > 0)) problems.push(`chart ${i + 1} has no size`); });
  for (const p of problems) fail(`${url}: ${p}`);
  await page.close();
}

// The 404 pages answer as a static host serves them.
for (const missing of ['finnes-ikke/', 'en/does-not-exist/']) {
  const page = await phone.newPage();
  const response = await page.goto(base + missing);
  const lang = await page.getAttribute('html', 'lang');
  if (response.status() !== 404) fail(`${base + missing}: answered ${response.status()}, not 404`);
  const expected = missing.startsWith('en/') ? 'en-GB' : 'nb';
  if (lang !== expected) fail(`${base + missing}: the 404 page is in ${lang}, not ${expected}`);
  await page.close();
}

// Photos on a phone with a 2x screen: every <picture> loads, and the browser takes a WebP
// version no wider than the screen needs (375 CSS px at 2x: the 800-pixel one), not the
// original. Every page's link-preview card is there, as large as og:image:width says.
console.log('Checking photos at 375 px, 2x');
const retina = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2 });
let pictures = 0;
for (const rel of pages) {
  const html = fs.readFileSync(path.join(siteDir, rel, 'index.html'), 'utf8');
  const hasPicture = html.includes('<picture');
  if (!hasPicture && rel !== '') continue;
  const { page, problems } = await visit(retina, base + rel);
  if (hasPicture) {
    for (const img of await page.locator('picture img').all()) {
      await img.scrollIntoViewIfNeeded();
      await page.waitForFunction((el) => el.complete, await img.elementHandle());
      const shown = await img.evaluate((el) => ({ src: el.currentSrc, natural: el.naturalWidth, width: el.getAttribute('width') }));
      pictures += 1;
      console.log(`  ${rel}: took ${shown.src.split('/').pop()}`);
      if (!(shown.natural > 0)) problems.push(`${shown.src} did not load`);
      if (!/\.webp$/.test(shown.src)) problems.push(`the phone took ${shown.src}, not a WebP version`);
      const width = Number(/-(\d+)w-[0-9a-f]+\.webp$/.exec(shown.src)?.[1]);
      if (!(width <= 800)) problems.push(`the phone took ${shown.src}, wider than its 750 device pixels need`);
    }
  }
  const card = await page.evaluate(() => ({
    url: document.querySelector('meta[property="og:image"]')?.content,
    width: Number(document.querySelector('meta[property="og:image:width"]')?.content),
    height: Number(document.querySelector('meta[property="og:image:height"]')?.content),
  }));
  if (card.url && rel === '') {
    const response = await page.request.get(card.url);
    if (response.status() !== 200) problems.push(`og:image ${card.url} answered ${response.status()}`);
    const size = await page.evaluate(async (url) => {
      const bitmap = await createImageBitmap(await (await fetch(url)).blob());
      return [bitmap.width, bitmap.height];
    }, card.url);
    if (size[0] !== card.width || size[1] !== card.height) problems.push(`og:image is ${size.join(' × ')}, not ${card.width} × ${card.height}`);
  }
  for (const p of problems) fail(`${base + rel}: ${p}`);
  await page.close();
}
if (pictures === 0) fail('no page of the site shows a photo in a <picture>');
console.log(`  ${pictures} photos on ${pages.length} pages`);

// 2. The language switcher lands on the same page in the other language.
console.log('Following the language switcher');
const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
for (const rel of ['', 'jobb/', 'jobb/sykepleier-hjemmetjenesten/', 'om-regionen/befolkning/', 'en/work/primary-teacher/']) {
  const { page, problems } = await visit(desktop, base + rel);
  for (const p of problems) fail(`${base + rel}: ${p}`);
  const here = await page.getAttribute('html', 'lang');
  const target = here === 'nb' ? 'en-GB' : 'nb';
  const expected = await page.getAttribute(`link[rel="alternate"][hreflang="${target}"]`, 'href');
  await Promise.all([page.waitForNavigation(), page.click(`nav.languages a[hreflang="${target}"]`)]);
  const landed = page.url();
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== target) fail(`switcher on ${base + rel}: landed on a page in ${lang}, not ${target}`);
  if (expected && new URL(expected).pathname !== new URL(landed).pathname) {
    fail(`switcher on ${base + rel}: landed on ${landed}, not on the translation ${expected}`);
  }
  console.log(`  ${base + rel} -> ${landed}`);
  await page.close();
}

// 3. axe-core on the home page, a section, a job page and a chart page, in both languages.
console.log('Running axe-core');
const axePages = ['', 'jobb/', 'jobb/sykepleier-hjemmetjenesten/', 'om-regionen/befolkning/',
  'en/', 'en/work/', 'en/work/nurse-home-care/', 'en/the-region/population/'];
for (const context of [phone, desktop]) {
  for (const rel of axePages) {
    const { page } = await visit(context, base + rel);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }));
    const serious = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    for (const v of serious) {
      fail(`axe ${v.impact} on ${base + rel}: ${v.id} – ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    }
    const minor = result.violations.filter((v) => !['serious', 'critical'].includes(v.impact));
    for (const v of minor) console.log(`  note: axe ${v.impact} on ${base + rel}: ${v.id}`);
    await page.close();
  }
}

// 4. Screenshots, for people to look at.
fs.mkdirSync(shotDir, { recursive: true });
for (const [name, rel] of [['home', ''], ['chart', 'om-regionen/befolkning/'], ['home-en', 'en/'], ['job', 'jobb/sykepleier-hjemmetjenesten/']]) {
  for (const [context, width] of [[phone, 375], [desktop, 1280]]) {
    const { page } = await visit(context, base + rel);
    await page.screenshot({ path: path.join(shotDir, `${name}-${width}.png`), fullPage: true });
    await page.close();
  }
}
console.log(`Screenshots in ${shotDir}`);

await browser.close();
if (failures.length) {
  console.log(`\n${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log('\nAll browser checks passed');
