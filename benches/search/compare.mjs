// regionprofil's search next to Pagefind's, in headless Chromium, on one served folder that
// holds both: the site as regionprofil built it (its search page, its search-index/) with
// Pagefind's index (pagefind/) and the pages pagefind-LANG.html that show Pagefind's UI.
//
//   node compare.mjs speed BASE NB_SEARCH_PATH QUERY...
//       per query, in a fresh browser (empty cache): the time from pressing Enter (typing,
//       for Pagefind's UI, which searches as you type) to the hits on screen, and the bytes
//       the search downloaded for that first query and for a second one on the same page.
//   node compare.mjs recall BASE QUERIES.json
//       for each query, whether each tool finds the page it must find.
//
// Bytes are response bodies as sent by a server that does not compress (python's
// http.server), and as a compressing host would send them (gzip -6 of every text file;
// Pagefind's index files are gzipped already and count as they are).

import fs from 'node:fs';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const [mode, base, ...rest] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'],
});

const tools = {
  regionprofil: {
    isSearchFile: (url) => /\/search-index\/|\/search\.js/.test(url),
    open: (lang, searchPath) => base + (lang === 'en' ? 'en/search/' : searchPath),
    async run(page, query) {
      await page.fill('#search-q', query);
      const started = performance.now();
      await page.press('#search-q', 'Enter');
      await page.waitForFunction((q) => {
        const status = document.getElementById('search-status').textContent;
        return !document.getElementById('search-results').hasAttribute('aria-busy') && status.includes(q);
      }, query.slice(0, 60));
      const ms = performance.now() - started;
      const hits = await page.$$eval('#search-results .search-hit h2 a', (a) => a.map((x) => new URL(x.href).pathname));
      return { ms, hits };
    },
    async all(page, query) {
      await page.fill('#search-q', query);
      await page.press('#search-q', 'Enter');
      await page.waitForFunction(() => !document.getElementById('search-results').hasAttribute('aria-busy')
        && document.getElementById('search-status').textContent.trim() !== '');
      // Every hit, not only the first screen: press "more" until there is none.
      while (await page.$('.search-more')) {
        const before = await page.$$eval('.search-hit', (h) => h.length);
        await page.click('.search-more');
        await page.waitForFunction((n) => document.querySelectorAll('.search-hit').length > n, before);
      }
      return page.$$eval('#search-results .search-hit h2 a', (a) => a.map((x) => new URL(x.href).pathname));
    },
  },
  Pagefind: {
    isSearchFile: (url) => /\/pagefind\//.test(url),
    open: (lang) => `${base}pagefind-${lang}.html`,
    async run(page, query) {
      const started = performance.now();
      await page.fill('.pagefind-ui__search-input', query);
      await page.waitForFunction((q) => {
        const message = document.querySelector('.pagefind-ui__message');
        return message && message.textContent.includes(q) && (document.querySelector('.pagefind-ui__result-link')
          || /no results/i.test(message.textContent));
      }, query.slice(0, 60));
      const ms = performance.now() - started;
      const hits = await page.$$eval('.pagefind-ui__result-link', (a) => a.map((x) => new URL(x.href).pathname));
      return { ms, hits };
    },
    async all(page, query) {
      return page.evaluate(async (q) => {
        const pagefind = await import('./pagefind/pagefind.js');
        const search = await pagefind.search(q);
        const data = await Promise.all(search.results.map((r) => r.data()));
        return data.map((d) => new URL(d.url, location.href).pathname);
      }, query);
    },
  },
};

/** Counts the bytes of search files a page downloads, raw and as a compressing host sends them. */
function meter(page, tool) {
  const totals = { raw: 0, gzip: 0, files: 0 };
  page.on('requestfinished', async (request) => {
    if (!tool.isSearchFile(request.url())) return;
    const response = await request.response();
    const body = await response.body().catch(() => Buffer.alloc(0));
    const alreadyGzipped = body[0] === 0x1f && body[1] === 0x8b;
    const text = /json|javascript|css|html|text/.test(response.headers()['content-type'] || '') || /\.(js|json|css)$/.test(request.url());
    totals.raw += body.length;
    totals.gzip += !alreadyGzipped && text ? zlib.gzipSync(body, { level: 6 }).length : body.length;
    totals.files += 1;
  });
  return totals;
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

if (mode === 'speed') {
  const [searchPath, ...queries] = rest;
  const rows = [];
  for (const [name, tool] of Object.entries(tools)) {
    const times = [];
    const first = [];
    const second = [];
    for (let i = 0; i < queries.length; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const totals = meter(page, tool);
      await page.goto(tool.open('nb', searchPath), { waitUntil: 'networkidle' });
      const { ms } = await tool.run(page, queries[i]);
      await page.waitForLoadState('networkidle');
      times.push(ms);
      first.push({ ...totals });
      const before = { ...totals };
      await tool.run(page, queries[(i + 1) % queries.length]);
      await page.waitForLoadState('networkidle');
      second.push({ raw: totals.raw - before.raw, gzip: totals.gzip - before.gzip, files: totals.files - before.files });
      await context.close();
    }
    const kb = (list, key) => (median(list.map((t) => t[key])) / 1024).toFixed(1);
    rows.push(`| ${name} | ${median(times).toFixed(0)} | ${Math.max(...times).toFixed(0)} | ${kb(first, 'raw')} | ${kb(first, 'gzip')} | ${median(first.map((t) => t.files))} | ${kb(second, 'raw')} | ${kb(second, 'gzip')} |`);
  }
  console.log(`Queries: ${queries.join(', ')}\n`);
  console.log('| search | Enter to hits, median (ms) | slowest (ms) | first query, raw (KB) | first query, gzip (KB) | files | second query, raw (KB) | second query, gzip (KB) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
} else if (mode === 'recall') {
  const queries = JSON.parse(fs.readFileSync(rest[0], 'utf8')).filter((q) => q.first || q.finds);
  const prefix = new URL(base).pathname;
  const found = { regionprofil: 0, Pagefind: 0 };
  console.log('| query | must find | regionprofil (rank) | Pagefind (rank) |');
  console.log('|---|---|---:|---:|');
  for (const q of queries) {
    const expected = prefix + (q.first || q.finds);
    const ranks = [];
    for (const [name, tool] of Object.entries(tools)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(tool.open(q.home ? 'en' : 'nb', 'sok/'), { waitUntil: 'networkidle' });
      const hits = await tool.all(page, q.query);
      const rank = hits.indexOf(expected) + 1;
      if (rank) found[name] += 1;
      ranks.push(rank ? String(rank) : 'missed');
      await context.close();
    }
    console.log(`| ${q.query} | ${q.first || q.finds} | ${ranks[0]} | ${ranks[1]} |`);
  }
  console.log(`\nFound: regionprofil ${found.regionprofil} of ${queries.length}, Pagefind ${found.Pagefind} of ${queries.length}`);
} else {
  console.error('usage: node compare.mjs speed BASE NB_SEARCH_PATH QUERY... | recall BASE QUERIES.json');
  process.exit(2);
}
await browser.close();
