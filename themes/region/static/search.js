// The region theme's search page: reads `q` from the URL, looks the words up in the
// language's index (written by `regionprofil build`; "Search" in docs/site-format.md), and
// lists the hits in #search-results. Plain JavaScript, no other host: the index files sit
// beside the site's pages.
//
// A query word is folded as the index folds words (lower case, ø → o, æ → ae, accents
// dropped, aa → a) and matched against the index's terms (folded stems):
//   - the word itself, or the inflected form it is in the index (`sykepleiere` → `sykeplei`);
//   - a term that begins the word, at most four letters shorter: a form the site never
//     uses still meets its stem (`barnehagen` → `barnehag`);
//   - a term that ends with the word: the word as the last part of a compound (`ferie` →
//     `sommerferi`);
//   - a term that begins with the word: the first part of a compound, or a word being typed;
//   - the other terms of a group of synonyms the word's term is in (`barnepass` → `barnehag`);
//   - when none of these is found, a term or form spelt one letter differently (two, for a
//     word of eight letters or more): a typo (`sykeplier` → `sykepleier`).
// Each match counts by how sure it is, by how rare the term is and by where the page has
// it (the stored score); pages with every word come first. The best twenty are then
// looked at whole: a title that is the query, and a phrase, move a page up.
(() => {
  'use strict';

  const results = document.getElementById('search-results');
  const indexLink = document.getElementById('search-index');
  const form = document.getElementById('search-form');
  const input = document.getElementById('search-q');
  const status = document.getElementById('search-status');
  const filtersBox = document.getElementById('search-filters');
  if (!results || !indexLink || !form || !input || !status) return;
  // The filters may sit in a <details> that opens them, so the hits come first.
  const filterBox = filtersBox && (filtersBox.closest('details') || filtersBox);

  const strings = results.dataset;
  const indexUrl = new URL(indexLink.href, document.baseURI);
  // The index sits in search-index/LANG/ below the site's root.
  const siteRoot = new URL('../../', indexUrl);
  const pageSize = 10;
  const maxWords = 12;
  const maxWordLength = 64;
  const nearFiles = 4;

  const FOLDED = { 'ø': 'o', 'æ': 'ae', 'ß': 'ss', 'œ': 'oe', 'đ': 'd', 'ð': 'd', 'þ': 'th', 'ł': 'l', 'ı': 'i' };
  const fold = (word) => {
    let folded = word.replace(/[øæßœđðþłı]/g, (c) => FOLDED[c]).normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    while (folded.includes('aa')) folded = folded.replaceAll('aa', 'a');
    return folded;
  };
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  // The query's words, folded, each → the word as typed (lower-cased).
  const queryWords = (query) => {
    const seen = new Map();
    for (const word of query.toLowerCase().match(WORD) || []) {
      if ([...word].length < 2 || word.length > maxWordLength) continue;
      const folded = fold(word);
      if (!seen.has(folded)) seen.set(folded, word);
      if (seen.size === maxWords) break;
    }
    return seen;
  };
  const reverse = (text) => [...text].reverse().join('');

  // The letters added, dropped or changed, and pairs swapped, that turn `a` into `b`
  // (optimal string alignment), or `most + 1` as soon as it must be more than `most`.
  const edits = (a, b, most) => {
    const [x, y] = [[...a], [...b]];
    if (Math.abs(x.length - y.length) > most) return most + 1;
    let [before, row] = [null, Array.from({ length: y.length + 1 }, (_, j) => j)];
    for (let i = 1; i <= x.length; i++) {
      const next = [i];
      for (let j = 1; j <= y.length; j++) {
        let cost = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        if (before && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) cost = Math.min(cost, before[j - 2] + 1);
        next.push(cost);
      }
      if (Math.min(...next) > most) return most + 1;
      [before, row] = [row, next];
    }
    return row[y.length];
  };

  // The index's files are gzipped JSON (index.json is plain); a host that already
  // inflated one on the way (Content-Encoding) hands over JSON, which is read as it is.
  const parse = async (response) => {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(inflated).json();
  };
  const files = new Map();
  const load = (name) => {
    if (!files.has(name)) {
      const url = new URL(name, indexUrl);
      files.set(name, fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        return parse(response);
      }));
    }
    return files.get(name);
  };
  let indexPromise;
  const index = () => (indexPromise ||= load(indexUrl.href));

  // The files of a sorted list (`[[first key, file], …]`) whose keys may lie in [lo, hi].
  const filesBetween = (list, lo, hi) => {
    const names = [];
    for (let i = 0; i < list.length; i++) {
      const next = i + 1 < list.length ? list[i + 1][0] : null;
      if (list[i][0] <= hi && (next === null || next > lo)) names.push(list[i][1]);
    }
    return names;
  };
  const forwardFile = (idx, key) => filesBetween(idx.forward, key, key)[0];

  // Term → how sure the match is, for one query word.
  async function matches(idx, word) {
    const found = new Map();
    const add = (term, sureness) => found.set(term, Math.max(found.get(term) || 0, sureness));
    const lo = word.slice(0, Math.max(3, word.length - 4));
    const chunks = await Promise.all(filesBetween(idx.forward, lo, word + '\uffff').map(load));
    for (const chunk of chunks) {
      for (const term of Object.keys(chunk.t)) {
        if (term === word) add(term, 1);
        else if (word.startsWith(term) && term.length >= 4 && word.length - term.length <= 4) add(term, 0.9);
        else if (term.startsWith(word) && word.length >= 3) add(term, 0.5);
      }
      for (const [form, term] of Object.entries(chunk.f)) {
        if (form === word) add(term, 1);
        else if (form.startsWith(word) && word.length >= 3) add(term, 0.5);
      }
    }
    // The word as the end of a compound; a letter or two less for its own inflection.
    const ends = [word, word.slice(0, -1), word.slice(0, -2)].filter((end) => end.length >= 4);
    for (const end of new Set(ends)) {
      const backwards = reverse(end);
      const reverseChunks = await Promise.all(filesBetween(idx.reverse, backwards, backwards + '\uffff').map(load));
      const compounds = [];
      for (const chunk of reverseChunks) {
        for (const [key, pages] of Object.entries(chunk.r)) {
          if (key.startsWith(backwards) && key.length >= end.length + 3) compounds.push([reverse(key), pages]);
        }
      }
      compounds.sort((a, b) => b[1] - a[1]);
      for (const [term] of compounds.slice(0, 24)) add(term, 0.6);
    }
    // A word of a group of synonyms (the language's `synonyms` in site.yaml) finds the
    // others too, a little below itself.
    for (const group of idx.synonyms || []) {
      const meets = (term) => (found.get(term) || 0) >= 0.9 || term === word
        || (word.startsWith(term) && term.length >= 4 && word.length - term.length <= 4);
      if (group.some(meets)) group.forEach((term) => add(term, 0.8));
    }
    return found;
  }

  // Term → how sure the match is, for a word nothing else matched: the terms and forms
  // spelt at most one letter differently (two from eight letters on) among those that
  // begin with the word's first two letters (a typo is rarely there), read from at most
  // `nearFiles` files around where the word would stand.
  async function nearMatches(idx, word) {
    const found = new Map();
    const length = [...word].length;
    if (length < 4) return found;
    const most = length >= 8 ? 2 : 1;
    const start = [...word].slice(0, 2).join('');
    const names = filesBetween(idx.forward, start, start + '\uffff');
    const from = Math.max(0, Math.min(names.indexOf(forwardFile(idx, word)) - 1, names.length - nearFiles));
    const add = (key, term) => {
      const n = edits(word, key, most);
      if (n <= most) found.set(term, Math.max(found.get(term) || 0, n === 1 ? 0.4 : 0.3));
    };
    for (const chunk of await Promise.all(names.slice(from, from + nearFiles).map(load))) {
      for (const term of Object.keys(chunk.t)) add(term, term);
      for (const [form, term] of Object.entries(chunk.f)) add(form, term);
    }
    return found;
  }

  async function postingsOf(idx, term) {
    const file = forwardFile(idx, term);
    if (!file) return null;
    const chunk = await load(file);
    return chunk.t[term] || null;
  }

  // Page → best value of one query word (or of two joined), over the terms it matches.
  async function valuesOf(idx, terms) {
    const best = new Map();
    await Promise.all([...terms].map(async ([term, sureness]) => {
      const list = await postingsOf(idx, term);
      if (!list) return;
      const pagesWithIt = list.length / 2;
      const rarity = Math.log(1 + (idx.pages - pagesWithIt + 0.5) / (pagesWithIt + 0.5));
      let page = 0;
      for (let i = 0; i < list.length; i += 2) {
        page += list[i];
        const value = sureness * rarity * list[i + 1];
        if (value > (best.get(page) || 0)) best.set(page, value);
      }
    }));
    return best;
  }

  // [page, score] pairs, best first.
  async function search(query) {
    const idx = await index();
    const typed = queryWords(query);
    const words = [...typed.keys()];
    if (!words.length) return { words, hits: [], near: [] };
    const total = new Map();
    const matched = new Map();
    const credit = (values, wordIndexes, factor) => {
      for (const [page, value] of values) {
        total.set(page, (total.get(page) || 0) + value * factor);
        const seen = matched.get(page) || new Set();
        wordIndexes.forEach((i) => seen.add(i));
        matched.set(page, seen);
      }
    };
    const found = await Promise.all(words.map((word) => matches(idx, word)));
    const wordTerms = await Promise.all(found.map((terms, i) => (terms.size ? terms : nearMatches(idx, words[i]))));
    // The words only a near spelling matched, as typed.
    const near = words.filter((_, i) => !found[i].size && wordTerms[i].size).map((word) => typed.get(word));
    const values = await Promise.all(wordTerms.map((terms) => valuesOf(idx, terms)));
    values.forEach((v, i) => credit(v, [i], 1));
    // Two words that are one compound when joined: `sommer jobb` finds `sommerjobb`.
    for (let i = 0; i + 1 < words.length; i++) {
      const joined = await matches(idx, words[i] + words[i + 1]);
      const sure = new Map([...joined].filter(([, sureness]) => sureness >= 0.9));
      if (!sure.size) continue;
      wordTerms[i] = new Map([...wordTerms[i], ...sure]);
      credit(await valuesOf(idx, sure), [i, i + 1], 2);
    }
    const hits = [...total].map(([page, value]) => {
      const share = matched.get(page).size / words.length;
      return [page, value * share * share];
    });
    hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return { words, wordTerms, hits, near };
  }

  const pageRecord = async (idx, page) => {
    const file = idx.page_files[Math.floor(page / idx.pages_per_file)];
    return (await load(file))[page % idx.pages_per_file];
  };

  // Whether a folded word of a page is one of a query word's matches.
  const wordMatcher = (terms) => {
    const list = [...terms.keys()];
    return (folded) => list.some((term) => folded.startsWith(term) || (folded.length >= 4 && term.startsWith(folded)));
  };

  // Tokens of `text` with their folded form: [{text, start, end, folded}].
  const tokens = (text) => [...text.matchAll(WORD)].map((m) => ({
    start: m.index, end: m.index + m[0].length, folded: fold(m[0].toLowerCase()),
  }));

  const hasPhrase = (text, matchers) => {
    const folded = tokens(text).map((t) => t.folded);
    for (let i = 0; i + matchers.length <= folded.length; i++) {
      if (matchers.every((matches, k) => matches(folded[i + k]))) return true;
    }
    return false;
  };

  // How much a title is the query, 0 to 1: the share of its words the query has, times the
  // share of the query's words it has. `Gausdal` is half of `population gausdal`, and all
  // of its title is in it; `Population and growth` has half the query in a third of its title.
  const titleCover = (title, matchers) => {
    const words = tokens(title).map((t) => t.folded);
    if (!words.length) return 0;
    const queryShare = matchers.filter((matches) => words.some(matches)).length / matchers.length;
    return queryShare * words.filter((word) => matchers.some((matches) => matches(word))).length / words.length;
  };

  // Reorders the best hits: a page whose title is the query before one whose title holds
  // it among other words; a phrase before scattered words.
  async function rerank(idx, found) {
    const top = found.hits.slice(0, 2 * pageSize);
    if (!top.length) return found.hits;
    const matchers = found.wordTerms.map(wordMatcher);
    const records = await Promise.all(top.map(([page]) => pageRecord(idx, page)));
    const boosted = top.map(([page, value], i) => {
      const record = records[i];
      const phrase = matchers.length > 1
        && (hasPhrase(record.t, matchers) || hasPhrase(record.x, matchers) || hasPhrase(record.d, matchers));
      return [page, value * (1 + titleCover(record.t, matchers)) * (phrase ? 1.5 : 1)];
    });
    boosted.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return boosted.concat(found.hits.slice(top.length));
  }

  // Text with the words that match marked, as nodes.
  const marked = (text, matchers) => {
    const fragment = document.createDocumentFragment();
    let at = 0;
    for (const token of tokens(text)) {
      if (!matchers.some((matches) => matches(token.folded))) continue;
      fragment.append(text.slice(at, token.start));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(token.start, token.end);
      fragment.append(mark);
      at = token.end;
    }
    fragment.append(text.slice(at));
    return fragment;
  };

  // About thirty words of `text` around its first match.
  const excerpt = (text, matchers) => {
    const all = tokens(text);
    const first = all.findIndex((token) => matchers.some((matches) => matches(token.folded)));
    const from = first < 0 ? 0 : Math.max(0, first - 8);
    const to = Math.min(all.length, from + 30);
    if (!all.length) return '';
    const start = from === 0 ? 0 : all[from].start;
    const end = to === all.length ? text.length : all[to - 1].end;
    return (start > 0 ? '… ' : '') + text.slice(start, end) + (end < text.length ? ' …' : '');
  };

  const format = (template, values) => template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const plural = new Intl.PluralRules(document.documentElement.lang || undefined);

  let state = null;

  async function run(query) {
    const shown = query.trim();
    results.replaceChildren();
    if (filtersBox) {
      filtersBox.replaceChildren();
      filterBox.hidden = true;
    }
    if (!shown) {
      status.textContent = '';
      return;
    }
    status.textContent = strings.searching;
    results.setAttribute('aria-busy', 'true');
    try {
      const idx = await index();
      const found = await search(shown);
      const ranked = await rerank(idx, found);
      const matchers = (found.wordTerms || []).map(wordMatcher);
      // A pasted page of text is echoed by its start.
      const echoed = shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
      const near = found.near.join(' ');
      state = { idx, query: echoed, near, ranked, matchers, chosen: new Map(), shown: pageSize };
      await render();
      if (ranked.length && filtersBox) await showFilters();
    } catch (error) {
      status.textContent = strings.failed;
      console.error(error);
    } finally {
      results.removeAttribute('aria-busy');
    }
  }

  // Hits that pass the chosen filters (any value within a filter, every filter).
  const filtered = () => {
    const { ranked, chosen } = state;
    if (!chosen.size) return ranked;
    return ranked.filter(([page]) => [...chosen.values()].every((pages) => pages.has(page)));
  };

  async function render() {
    const { idx, query, near, matchers } = state;
    const hits = filtered();
    const count = hits.length;
    status.textContent = count
      ? format(plural.select(count) === 'one' ? strings.resultsOne : strings.resultsOther, { count, query })
      : format(strings.noHits, { query });
    // Say so when a word was found only by a near spelling (a theme may leave it out).
    if (count && near && strings.near) status.textContent += ` ${format(strings.near, { words: near })}`;
    const list = document.createElement('ol');
    list.className = 'search-hits';
    const records = await Promise.all(hits.slice(0, state.shown).map(([page]) => pageRecord(idx, page)));
    for (const record of records) {
      const item = document.createElement('li');
      item.className = 'search-hit';
      const heading = document.createElement('h2');
      const link = document.createElement('a');
      link.href = new URL(record.u, siteRoot).href;
      link.append(marked(record.t, matchers));
      heading.append(link);
      const section = document.createElement('p');
      section.className = 'search-hit-section';
      section.textContent = idx.sections[record.s] || '';
      const text = document.createElement('p');
      text.className = 'search-hit-excerpt';
      text.append(marked(excerpt(record.x || record.d, matchers), matchers));
      item.append(heading, section, text);
      list.append(item);
    }
    results.replaceChildren();
    if (count) results.append(list);
    if (count > state.shown) {
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'button search-more';
      more.textContent = strings.more;
      more.addEventListener('click', async () => {
        const first = state.shown;
        state.shown += pageSize;
        await render();
        // Keyboard users continue at the first new hit.
        results.querySelectorAll('.search-hit a')[first]?.focus();
      });
      results.append(more);
    }
  }

  async function showFilters() {
    const { idx, ranked } = state;
    const filters = await load(idx.filters);
    const hitPages = new Set(ranked.map(([page]) => page));
    const groups = [
      ['section', strings.filterSection, filters.section.map(([name, first, n]) => [name, range(first, n)])],
      ['tags', strings.filterTags, filters.tags.map(([name, deltas]) => [name, undelta(deltas)])],
      ['location', strings.filterLocation, filters.location.map(([name, deltas]) => [name, undelta(deltas)])],
      ['type', strings.filterType, filters.type.map(([name, deltas]) => [name, undelta(deltas)])],
    ];
    for (const [key, legendText, values] of groups) {
      const present = values
        .map(([name, pages]) => [name, pages, pages.filter((p) => hitPages.has(p)).length])
        .filter(([, , n]) => n > 0);
      if (present.length < 2 && !state.chosen.has(key)) continue;
      const fieldset = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = legendText;
      fieldset.append(legend);
      for (const [name, pages, n] of present) {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.name = key;
        box.value = name;
        box.addEventListener("change", () => choose(key, fieldset));
        box.dataset.pages = JSON.stringify(pages);
        label.append(box, ` ${name} (${n})`);
        fieldset.append(label);
      }
      filtersBox.append(fieldset);
    }
    filterBox.hidden = !filtersBox.children.length;
  }

  function choose(key, fieldset) {
    const boxes = [...fieldset.querySelectorAll('input:checked')];
    if (boxes.length) state.chosen.set(key, new Set(boxes.flatMap((box) => JSON.parse(box.dataset.pages))));
    else state.chosen.delete(key);
    state.shown = pageSize;
    render();
  }

  const range = (first, n) => Array.from({ length: n }, (_, i) => first + i);
  const undelta = (deltas) => {
    let page = 0;
    return deltas.map((d) => (page += d));
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set('q', input.value);
    history.replaceState(null, '', url);
    run(input.value);
  });

  const query = new URLSearchParams(location.search).get('q') || '';
  input.value = query;
  run(query);
})();
