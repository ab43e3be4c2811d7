// The search as a visitor uses it, in headless Chromium against the served site: type a
// query in the header of a page, press Enter, and the page that answers it comes first —
// in Norwegian and in English, for inflected forms, parts of compounds, letters typed
// without Norwegian keys and typos. Filters narrow the hits; hostile queries show no hits
// and are echoed as text; axe finds nothing serious on a page of results.
//
// Usage: node search.mjs BASE_URL
//   BASE_URL  where the repository's site is served, e.g. http://127.0.0.1:8811/region/

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base] = process.argv.slice(2);
if (!base) {
  console.error('usage: node search.mjs BASE_URL');
  process.exit(2);
}

// The fixed query list (also the recall list of the search benchmark): `home` is where the
// query is typed; `first` the path the first hit must have; `finds`, a path among the hits;
// `not`, a path never among them; `why`, what the entry shows (said when it fails).
const queries = JSON.parse(fs.readFileSync(new URL('search-queries.json', import.meta.url), 'utf8'));

const failures = [];
const fail = (what) => { failures.push(what); console.log(`  FAIL ${what}`); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 375, height: 812 } });

async function open(url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

// Waits until the search is done (the results are no longer busy and the status line says
// how it went), and returns the hits' paths.
async function hitsOf(page) {
  await page.waitForFunction(() => {
    const results = document.getElementById('search-results');
    const status = document.getElementById('search-status');
    return results && !results.hasAttribute('aria-busy') && status.textContent.trim() !== '';
  });
  return page.$$eval('#search-results .search-hit h2 a', (links) => links.map((a) => new URL(a.href).pathname));
}

const pathOf = (rel) => new URL(base + rel).pathname;

// 1. From the header of a language's home page: the expected page first.
console.log(`Searching ${queries.length} queries from the header`);
const times = [];
for (const { home, query, why, ...expected } of queries) {
  const { page, problems } = await open(base + home);
  await page.fill('header form[role="search"] input[type="search"]', query);
  await Promise.all([page.waitForURL(/[?&]q=/), page.press('header form[role="search"] input[type="search"]', 'Enter')]);
  const hits = await hitsOf(page);
  const top = hits.slice(0, 3).join(', ') || 'no hits';
  const because = why ? ` (${why})` : '';
  if (expected.first && hits[0] !== pathOf(expected.first)) fail(`"${query}": ${top}; expected ${pathOf(expected.first)} first${because}`);
  else if (expected.finds && !hits.includes(pathOf(expected.finds))) fail(`"${query}": ${top}; expected ${pathOf(expected.finds)} among them${because}`);
  else if (expected.not && hits.includes(pathOf(expected.not))) fail(`"${query}": found ${pathOf(expected.not)}${because}`);
  else console.log(`  "${query}" → ${top}`);
  // Again on the search page itself: the time from Enter to the hits.
  await page.fill('#search-q', '');
  await page.fill('#search-q', query);
  const started = Date.now();
  await page.press('#search-q', 'Enter');
  await page.waitForFunction((q) => document.getElementById('search-status').textContent.includes(q), query);
  times.push(Date.now() - started);
  for (const p of problems) fail(`${page.url()}: ${p}`);
  await page.close();
}
times.sort((a, b) => a - b);
console.log(`  Enter to hits on the search page: median ${times[times.length >> 1]} ms, slowest ${times[times.length - 1]} ms`);

// 2. The search page reads q, marks the words, filters the hits, escapes what it echoes.
const searchPage = async (home) => {
  const { page } = await open(base + home);
  return page.getAttribute('header form[role="search"]', 'action').then(async (action) => {
    await page.close();
    return new URL(action, base + home).href;
  });
};
const nbSearch = await searchPage('');
const enSearch = await searchPage('en/');
for (const [url, lang] of [[nbSearch, 'nb'], [enSearch, 'en-GB']]) {
  const { page } = await open(url);
  if (await page.getAttribute('html', 'lang') !== lang) fail(`${url}: the search page is not in ${lang}`);
  await page.close();
}
{
  const { page, problems } = await open(`${nbSearch}?q=${encodeURIComponent('jobb')}`);
  const hits = await hitsOf(page);
  if (hits.length < 3) fail(`"jobb" found only ${hits.length} pages`);
  const marks = await page.$$eval('#search-results mark', (m) => m.map((x) => x.textContent.toLowerCase()));
  if (!marks.some((m) => m.startsWith('jobb'))) fail(`"jobb": no word marked in the hits (${marks.slice(0, 5)})`);
  // On a phone the filters start folded away under their summary.
  if (!(await page.$eval('.search-filter-box', (d) => d.open))) await page.click('.search-filter-box summary');
  const boxes = await page.$$('#search-filters input[type="checkbox"]');
  if (!boxes.length) fail('"jobb": no filters shown');
  else {
    const label = await page.$eval('#search-filters fieldset label', (l) => l.textContent.trim());
    const count = Number(label.match(/\((\d+)\)$/)?.[1]);
    await boxes[0].check();
    const filtered = await hitsOf(page);
    const total = Number((await page.textContent('#search-status')).match(/\d+/)?.[0]);
    if (total !== count) fail(`filter "${label}": ${total} hits shown, the filter said ${count}`);
    if (filtered.length > hits.length) fail('a filter made more hits');
  }
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  for (const v of result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))) {
    fail(`axe ${v.impact} on the search page: ${v.id} – ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }
  for (const p of problems) fail(`${page.url()}: ${p}`);
  await page.close();
}
// A typo finds the page, and the status says the hits are for a near spelling.
for (const [url, query] of [[nbSearch, 'sykeplier'], [enSearch, 'kindergarden']]) {
  const { page, problems } = await open(`${url}?q=${encodeURIComponent(query)}`);
  const hits = await hitsOf(page);
  const near = (await page.getAttribute('#search-results', 'data-near')).replace('{words}', query);
  const status = await page.textContent('#search-status');
  if (!hits.length) fail(`"${query}": no hits`);
  else if (!status.includes(near)) fail(`"${query}": the status does not say the hits are for a near spelling: ${status}`);
  else console.log(`  "${query}" → ${status}`);
  for (const p of problems) fail(`${page.url()}: ${p}`);
  await page.close();
}
// An exact word gets no such note.
{
  const { page } = await open(`${nbSearch}?q=sykepleier`);
  await hitsOf(page);
  const note = (await page.getAttribute('#search-results', 'data-near')).split('{words}')[0];
  if ((await page.textContent('#search-status')).includes(note)) fail('"sykepleier": a near-spelling note for a word the site has');
  await page.close();
}
// Typed (or pasted) into the search page's field: markup, punctuation, 10,000 characters.
for (const [url, query] of [
  [nbSearch, '<script>alert(1)</script><img src=x onerror=alert(2)>'],
  [nbSearch, '!!! ??? ... ---'],
  [enSearch, 'x'.repeat(10000)],
  [nbSearch, 'zzqqxxyy'],
]) {
  const { page, problems } = await open(url);
  let dialog = false;
  page.on('dialog', async (d) => { dialog = true; await d.dismiss(); });
  await page.fill('#search-q', query);
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => document.getElementById('search-status').textContent.trim() !== '');
  const hits = await hitsOf(page);
  const status = await page.textContent('#search-status');
  const injected = await page.$$eval('#search-results img, #search-status img, #search-status script', (e) => e.length);
  const shown = query.length > 40 ? `${query.slice(0, 40)}…` : query;
  if (hits.length) fail(`"${shown}" found ${hits.length} pages`);
  if (dialog || injected) fail(`"${shown}" ran as markup`);
  if (query.startsWith('<') && !status.includes('<script>')) fail(`"${shown}": the status does not echo the query as text: ${status}`);
  for (const p of problems) fail(`${page.url()}: ${p}`);
  console.log(`  "${shown}" → ${status.slice(0, 80)}`);
  await page.close();
}

// 3. Without JavaScript, the search page says so.
{
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const page = await noScript.newPage();
  await page.goto(`${nbSearch}?q=jobb`);
  const text = await page.textContent('main');
  if (!/JavaScript/.test(text)) fail('without JavaScript the search page does not say it needs it');
  await noScript.close();
}

await browser.close();
if (failures.length) {
  console.log(`\n${failures.length} search check(s) failed`);
  process.exit(1);
}
console.log('\nAll search checks passed');
