// spinscope dashboard: the report of a results store (GET /api/dashboard, this page's JSON
// twin) drawn as hand-written SVG. The filters live in the query string: the form, a click
// on a chart and the filter chips all change it, and the page redraws without reloading
// (back and forward work). Stored text (sources, titles, keys) is only ever inserted with
// textContent or as an attribute value, never as markup. The drawing helpers are charts.js.
'use strict';

const MAX_SOURCES = 12;
// The time chart draws the most frequent techniques only: 14 lines would tangle. A filter
// on one technique draws that one, however rare.
const MAX_LINES = 6;
const LABELS = { source: 'Source', technique: 'Technique', from: 'From', to: 'To', model: 'Model' };
const board = { report: null, techniques: {}, modes: { sources: 'share', months: 'spans', voices: 'source' }, ticket: 0 };

const techniquesReady = fetch('/api/techniques').then((r) => r.json()).then((list) => {
  list.forEach((t) => { board.techniques[t.name] = t; });
});

const tech = (name) => board.techniques[name] || { name: name, title: name, color: '#8a8f99', definition: '' };

function legend(box, names, root) {
  const list = node(box, 'ul', { class: 'legend' });
  names.forEach((name) => {
    const t = tech(name);
    const button = node(node(list, 'li'), 'button', { type: 'button', title: 'Filter by ' + t.title });
    node(button, 'span', { class: 'swatch' }).style.backgroundColor = t.color;
    button.append(document.createTextNode(t.title));
    ['mouseenter', 'focus'].forEach((e) => button.addEventListener(e, () => focusKey(root, name)));
    ['mouseleave', 'blur'].forEach((e) => button.addEventListener(e, () => focusKey(root, null)));
    button.addEventListener('click', () => setFilters({ technique: name }));
  });
}

// -- filters in the query string ------------------------------------------------------------

function params() {
  return new URLSearchParams(window.location.search);
}

function go(next) {
  const query = next.toString();
  window.history.pushState(null, '', window.location.pathname + (query ? '?' + query : ''));
  load();
}

function setFilters(changes) {
  const next = params();
  next.delete('page');
  Object.entries(changes).forEach(([key, value]) => {
    next.delete(key);
    if (value) next.append(key, value);
  });
  go(next);
}

function syncForm(values) {
  const form = $('filters');
  Object.keys(LABELS).forEach((name) => {
    const field = form.elements[name];
    if (!field || !(name in values)) return;
    field.value = values[name] || '';
    if (field.tagName === 'SELECT' && field.selectedIndex < 0) field.selectedIndex = 0;
  });
}

function drawChips(current) {
  const list = $('chips');
  list.replaceChildren();
  Object.keys(LABELS).forEach((key) => {
    current.getAll(key).filter((v) => v.trim()).forEach((value) => {
      const shown = key === 'technique' ? tech(value).title : value;
      const button = node(node(list, 'li'), 'button', {
        type: 'button', class: 'chip', 'aria-label': `Remove filter ${LABELS[key]} ${shown}`,
      });
      node(button, 'span', {}, LABELS[key] + ': ');
      node(button, 'strong', {}, shown);
      node(button, 'span', { class: 'x', 'aria-hidden': 'true' }, ' ×');
      button.addEventListener('click', () => {
        const next = params();
        const kept = next.getAll(key).filter((v) => v !== value);
        next.delete(key);
        kept.forEach((v) => next.append(key, v));
        go(next);
      });
    });
  });
  const corpus = new URLSearchParams(current);
  corpus.delete('top');
  $('corpus-link').href = '/corpus' + (corpus.toString() ? '?' + corpus : '');
}

function setStatus(message, isError) {
  $('status').textContent = message;
  $('status').className = isError ? 'message error' : '';
}

async function load() {
  const current = params();
  const ticket = ++board.ticket;
  const raw = {};
  Object.keys(LABELS).forEach((key) => { raw[key] = current.get(key) || ''; });
  if (!raw.model) delete raw.model; // the form already shows the model stored last
  syncForm(raw);
  await techniquesReady;
  drawChips(current);
  setStatus('Loading…', false);
  try {
    const response = await fetch('/api/dashboard?' + current);
    const data = await response.json();
    if (ticket !== board.ticket) return; // a newer filter answered first
    if (!response.ok) {
      setStatus(data.error || ('Error ' + response.status), true);
      board.report = null;
    } else {
      setStatus('', false);
      board.report = data;
      const f = data.filters;
      syncForm({ source: f.sources[0], technique: f.techniques[0], model: f.model });
    }
  } catch (err) {
    setStatus('Could not reach the server: ' + err, true);
    board.report = null;
  }
  drawAll();
}

// -- charts -------------------------------------------------------------------------------

function drawOverview(r) {
  const box = $('overview');
  box.replaceChildren();
  if (!r) return;
  const o = r.overview;
  const rated = r.coverage_by_source.reduce((n, s) => n + s.articles, 0);
  const mean = rated ? r.coverage_by_source.reduce((n, s) => n + s.mean_score * s.articles, 0) / rated : 0;
  const [first, last] = [o.first_published, o.last_published];
  const months = first ? monthRange(first.slice(0, 7), last.slice(0, 7)) : [];
  const period = months.length > 1 ? `${months[0]} – ${months[months.length - 1]}` : months[0];
  [
    ['Articles analyzed', fmt(o.analyses), `of ${fmt(o.articles)} stored`],
    ['Fragments found', fmt(o.spans), o.analyses ? `${(o.spans / o.analyses).toFixed(1)} per article` : ''],
    ['Mean score', mean.toFixed(2), 'per article, from 0 to 1'],
    ['Sources', fmt(o.sources), ''],
    ['Published', period || 'no dates', months.length ? `${months.length} months` : '', 'text'],
    ['Model', r.filters.model || '–', `${o.models.length} in the store · ${fmt(o.runs)} runs`, 'text'],
  ].forEach(([label, value, note, kind]) => {
    const card = node(box, 'div', { class: 'card' });
    node(card, 'span', { class: 'label' }, label);
    node(card, 'strong', { class: 'value' + (kind ? ' ' + kind : '') }, value);
    if (note) node(card, 'span', { class: 'note' }, note);
  });
}

function drawTechniques(r) {
  const box = $('chart-techniques');
  box.replaceChildren();
  if (!r) return;
  if (!r.techniques.length) { empty(box, 'No fragments match these filters.'); return; }
  barChart(box, r.techniques, {
    label: 'Fragments per technique',
    labelW: 250,
    name: (t) => tech(t.technique).title,
    value: (t) => t.spans,
    color: (t) => tech(t.technique).color,
    key: (t) => t.technique,
    text: (t) => `${fmt(t.spans)} · ${pct(t.share, 0)}`,
    aria: (t) => `${tech(t.technique).title}: ${t.spans} fragments. Filter by it`,
    tip: (t) => [
      { color: tech(t.technique).color, strong: tech(t.technique).title },
      { text: `${fmt(t.spans)} fragments (${pct(t.share)} of all) in ${fmt(t.articles)} articles` },
      { text: tech(t.technique).definition, muted: true },
      { text: 'Click to show only this technique.', muted: true },
    ],
    click: (t) => setFilters({ technique: t.technique }),
  });
}

function drawCoverage(r) {
  const box = $('chart-coverage');
  box.replaceChildren();
  if (!r) return;
  const rows = r.coverage_by_source.slice(0, MAX_SOURCES);
  if (!rows.length) { empty(box, 'No articles match these filters.'); return; }
  barChart(box, rows, {
    label: 'Coverage by source',
    labelW: 180,
    name: (s) => s.source,
    value: (s) => s.coverage,
    color: () => '#1f4e99',
    text: (s) => pct(s.coverage),
    aria: (s) => `${s.source}: ${pct(s.coverage)} covered. Filter by it`,
    tip: (s) => [
      { strong: s.source },
      { text: `${pct(s.coverage)} of the text inside fragments` },
      { text: `${fmt(s.articles)} articles · ${fmt(s.spans)} fragments · mean score ${s.mean_score.toFixed(2)}` },
      { text: 'Click to show only this source.', muted: true },
    ],
    click: (s) => setFilters({ source: s.source }),
  });
  const more = r.coverage_by_source.length - rows.length;
  if (more > 0) node(box, 'p', { class: 'more' }, `and ${more} more sources`);
}

function drawSources(r) {
  const box = $('chart-sources');
  box.replaceChildren();
  if (!r) return;
  if (!r.by_source.length) { empty(box, 'No fragments match these filters.'); return; }
  const order = r.techniques.map((t) => t.technique);
  const per = new Map();
  r.by_source.forEach((c) => {
    const s = per.get(c.source) || { source: c.source, total: 0, cells: {} };
    s.total += c.spans;
    s.cells[c.technique] = c;
    per.set(c.source, s);
  });
  const all = Array.from(per.values()).sort((a, b) => b.total - a.total || a.source.localeCompare(b.source));
  const shown = all.slice(0, MAX_SOURCES);
  const share = board.modes.sources === 'share';
  const width = box.clientWidth || 900;
  const labelW = Math.min(190, width * 0.3);
  // Room for the longest "N fragments" label (about 7 px a character at this size).
  const valueW = 16 + 7 * Math.max(...shown.map((s) => `${fmt(s.total)} fragments`.length));
  const rowH = 30;
  const barW = width - labelW - valueW;
  const scale = share ? [0, 0.25, 0.5, 0.75, 1] : ticks(Math.max(...shown.map((s) => s.total)), 5, true);
  const domain = scale[scale.length - 1];
  const plotH = shown.length * rowH;
  const root = svgRoot(box, width, plotH + 26, 'Techniques per source');
  scale.forEach((v) => {
    const x = labelW + barW * v / domain;
    node(root, 'svg:line', { x1: x, x2: x, y1: 0, y2: plotH, class: 'grid' });
    node(root, 'svg:text', { x: x, y: plotH + 17, class: 'tick', 'text-anchor': 'middle' }, share ? pct(v, 0) : fmt(v));
  });
  shown.forEach((s, i) => {
    const y = i * rowH;
    const label = node(root, 'svg:text', { x: labelW - 10, y: y + rowH / 2, class: 'label link', 'text-anchor': 'end' }, fit(s.source, labelW - 14));
    interactive(label, `Filter by source ${s.source}`, [
      { strong: s.source }, { text: `${fmt(s.total)} fragments` },
      { text: 'Click to show only this source.', muted: true },
    ], () => setFilters({ source: s.source }));
    let x = labelW;
    order.forEach((name) => {
      const c = s.cells[name];
      if (!c) return;
      const w = barW * (share ? c.share : c.spans / domain);
      const seg = node(root, 'svg:rect', {
        x: x, y: y + 5, width: Math.max(w - 1, 0.75), height: rowH - 10, fill: tech(name).color, class: 'seg',
      });
      seg.dataset.technique = name;
      interactive(seg, `${s.source}, ${tech(name).title}: ${c.spans} fragments`, [
        { strong: s.source },
        { color: tech(name).color, strong: tech(name).title },
        { text: `${fmt(c.spans)} fragments, ${pct(c.share)} of the source's, in ${fmt(c.articles)} articles` },
        { text: 'Click to show only this source and technique.', muted: true },
      ], () => setFilters({ source: s.source, technique: name }));
      x += w;
    });
    node(root, 'svg:text', { x: width - valueW + 8, y: y + rowH / 2, class: 'value' }, `${fmt(s.total)} fragments`);
  });
  if (all.length > shown.length) node(box, 'p', { class: 'more' }, `and ${all.length - shown.length} more sources`);
  legend(box, order.filter((n) => shown.some((s) => s.cells[n])), root);
}

function drawMonths(r) {
  const box = $('chart-months');
  box.replaceChildren();
  if (!r) return;
  const rows = r.by_month;
  if (!rows.length) { empty(box, 'None of these articles has a publication date.'); return; }
  const present = Array.from(new Set(rows.map((c) => c.month))).sort();
  const months = monthRange(present[0], present[present.length - 1]);
  const order = r.techniques.map((t) => t.technique).filter((n) => rows.some((c) => c.technique === n));
  const share = board.modes.months === 'share';
  const cells = {};
  const totals = {};
  rows.forEach((c) => {
    cells[c.month + '|' + c.technique] = c;
    totals[c.month] = (totals[c.month] || 0) + c.spans;
  });
  const value = (m, n) => {
    const c = cells[m + '|' + n];
    return c ? (share ? c.share : c.spans) : 0;
  };
  const series = order.slice(0, MAX_LINES);
  const width = box.clientWidth || 900;
  const [left, right, top, bottom, height] = [52, 18, 10, 30, 280];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(...months.flatMap((m) => series.map((n) => value(m, n))));
  const scale = ticks(max, 4, !share);
  const domain = scale[scale.length - 1] || 1;
  const xOf = (i) => left + (months.length === 1 ? plotW / 2 : plotW * i / (months.length - 1));
  const yOf = (v) => top + plotH * (1 - v / domain);
  const root = svgRoot(box, width, height, 'Techniques per month');
  scale.forEach((v) => {
    node(root, 'svg:line', { x1: left, x2: width - right, y1: yOf(v), y2: yOf(v), class: 'grid' });
    node(root, 'svg:text', { x: left - 8, y: yOf(v), class: 'tick', 'text-anchor': 'end' }, share ? pct(v, 0) : fmt(v));
  });
  const every = Math.max(1, Math.ceil(72 / (plotW / Math.max(1, months.length - 1))));
  months.forEach((m, i) => {
    if (i % every) return;
    // Labels near an edge are anchored to it rather than cut off.
    const anchor = xOf(i) > width - 40 ? 'end' : 'middle';
    node(root, 'svg:text', { x: xOf(i), y: height - 8, class: 'tick', 'text-anchor': anchor }, monthLabel(m));
  });
  const guide = node(root, 'svg:line', { x1: 0, x2: 0, y1: top, y2: top + plotH, class: 'guide' });
  series.slice().reverse().forEach((name) => {
    const color = tech(name).color;
    const points = months.map((m, i) => `${xOf(i).toFixed(1)},${yOf(value(m, name)).toFixed(1)}`);
    const line = node(root, 'svg:polyline', { points: points.join(' '), stroke: color, class: 'series' });
    line.dataset.technique = name;
    if (months.length > 40) return;
    months.forEach((m, i) => {
      const dot = node(root, 'svg:circle', { cx: xOf(i), cy: yOf(value(m, name)), r: 2.6, fill: color, class: 'dot' });
      dot.dataset.technique = name;
    });
  });
  months.forEach((m, i) => {
    const x0 = i === 0 ? left : (xOf(i - 1) + xOf(i)) / 2;
    const x1 = i === months.length - 1 ? width - right : (xOf(i) + xOf(i + 1)) / 2;
    const hit = node(root, 'svg:rect', { x: x0, y: top, width: Math.max(1, x1 - x0), height: plotH, class: 'hit' });
    const lines = () => [
      { strong: monthLabel(m), text: `· ${fmt(totals[m] || 0)} fragments` },
      ...order.filter((n) => cells[m + '|' + n]).sort((a, b) => value(m, b) - value(m, a)).slice(0, 8).map((n) => ({
        color: tech(n).color, text: `${tech(n).title}: ${fmt(cells[m + '|' + n].spans)} (${pct(cells[m + '|' + n].share, 0)})`,
      })),
      { text: 'Click to keep only this month.', muted: true },
    ];
    interactive(hit, `${monthLabel(m)}: ${totals[m] || 0} fragments. Filter by this month`, lines,
      () => setFilters({ from: m, to: m }));
    ['mouseenter', 'focus'].forEach((e) => hit.addEventListener(e, () => {
      guide.setAttribute('x1', xOf(i));
      guide.setAttribute('x2', xOf(i));
      guide.classList.add('on');
    }));
    ['mouseleave', 'blur'].forEach((e) => hit.addEventListener(e, () => guide.classList.remove('on')));
  });
  legend(box, series, root);
  const more = order.length - series.length;
  if (more > 0) node(box, 'p', { class: 'more' }, `${more} less frequent techniques are left out here (they are in each month's tooltip).`);
}

function drawTop(r) {
  const box = $('top-articles');
  box.replaceChildren();
  if (!r) return;
  if (!r.top_articles.length) { empty(box, 'No articles match these filters.'); return; }
  const model = params().get('model');
  const suffix = model ? '?model=' + encodeURIComponent(model) : '';
  const table = node(box, 'table', { class: 'top' });
  const head = node(node(table, 'thead'), 'tr');
  ['#', 'Article', 'Source', 'Published', 'Score', 'Coverage', 'Fragments'].forEach((h) => node(head, 'th', { scope: 'col' }, h));
  const body = node(table, 'tbody');
  r.top_articles.forEach((a, i) => {
    const row = node(body, 'tr');
    node(row, 'td', { class: 'num' }, String(i + 1));
    const cell = node(row, 'td');
    node(cell, 'a', { href: '/corpus/articles/' + encodeURIComponent(a.key) + suffix }, a.title || a.key);
    if (a.title) node(cell, 'code', { class: 'key' }, a.key);
    const source = node(node(row, 'td'), 'button', { type: 'button', class: 'linkish', title: 'Filter by this source' }, a.source);
    source.addEventListener('click', () => setFilters({ source: a.source }));
    node(row, 'td', {}, a.published || '–');
    const score = node(row, 'td', { class: 'scorecell' });
    const svg = node(score, 'svg:svg', { width: 64, height: 8, viewBox: '0 0 100 8', 'aria-hidden': 'true' });
    node(svg, 'svg:rect', { width: 100, height: 8, rx: 3, fill: '#eee' });
    node(svg, 'svg:rect', { width: (100 * a.score).toFixed(1), height: 8, rx: 3, fill: '#d62728' });
    score.append(document.createTextNode(' ' + a.score.toFixed(2)));
    node(row, 'td', { class: 'num' }, pct(a.coverage));
    node(row, 'td', { class: 'num' }, fmt(a.n_spans));
  });
}

function drawAll() {
  const r = board.report;
  drawOverview(r);
  drawTechniques(r);
  drawCoverage(r);
  drawSources(r);
  drawMonths(r);
  drawTop(r);
  drawVoices(r);
  drawSpeakers(r);
  drawTargets(r);
  document.body.dataset.drawn = r ? 'report' : 'none';
}

// -- wiring -------------------------------------------------------------------------------

$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const next = new URLSearchParams();
  new FormData(event.target).forEach((value, key) => {
    if (String(value).trim()) next.append(key, String(value).trim());
  });
  const top = params().get('top');
  if (top) next.set('top', top);
  go(next);
});
$('reset').addEventListener('click', (event) => {
  event.preventDefault();
  go(new URLSearchParams());
});
document.querySelectorAll('.toggle button').forEach((button) => {
  button.addEventListener('click', () => {
    board.modes[button.dataset.chart] = button.dataset.mode;
    button.parentElement.querySelectorAll('button').forEach((b) => {
      b.setAttribute('aria-pressed', b === button ? 'true' : 'false');
    });
    drawAll();
  });
});
let resizing = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(drawAll, 150);
});
window.addEventListener('popstate', load);
load();
