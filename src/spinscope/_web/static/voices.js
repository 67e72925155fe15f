// The dashboard's voice and speaker panels (loaded before dashboard.js, which calls them
// from drawAll): per source or month, the share of flagged characters in the article's own
// voice, attributed or unknown; the speakers whose quotes hold the most fragments; and
// the names each source's fragments aim at most.
// Stored text (sources, speakers) is only ever inserted with textContent.
'use strict';

const VOICES = [
  ['author', 'Own voice', '#1f4e99'],
  ['attributed', 'Attributed', '#e07b00'],
  ['unknown', 'Unknown', '#b8bcc6'],
];

function drawVoices(r) {
  const box = $('chart-voices');
  box.replaceChildren();
  if (!r) return;
  if (!r.voice_by_source.length) { empty(box, 'No fragments match these filters.'); return; }
  if (!r.voice_by_source.some((c) => c.voice !== 'unknown')) {
    empty(box, 'Voice unknown for every fragment: these analyses come from a model without an attribution head.');
    return;
  }
  const key = board.modes.voices;
  const rows = key === 'source' ? r.voice_by_source : r.voice_by_month;
  if (!rows.length) { empty(box, 'None of these articles has a publication date.'); return; }
  const per = new Map();
  rows.forEach((c) => {
    const g = per.get(c[key]) || { name: c[key], chars: 0, spans: 0, cells: {} };
    g.chars += c.chars;
    g.spans += c.spans;
    g.cells[c.voice] = c;
    per.set(c[key], g);
  });
  let groups = Array.from(per.values());
  groups = key === 'source'
    ? groups.sort((a, b) => b.chars - a.chars || a.name.localeCompare(b.name)).slice(0, MAX_SOURCES)
    : groups.sort((a, b) => a.name.localeCompare(b.name));
  const shown = VOICES.filter(([v]) => rows.some((c) => c.voice === v));
  const table = node(box, 'table', { class: 'top voices' });
  const head = node(node(table, 'thead'), 'tr');
  [key === 'source' ? 'Source' : 'Month', 'Fragments', '', ...shown.map(([, label]) => label)]
    .forEach((h) => node(head, 'th', { scope: 'col' }, h));
  const body = node(table, 'tbody');
  groups.forEach((g) => {
    const row = node(body, 'tr');
    node(row, 'td', {}, key === 'month' ? monthLabel(g.name) : g.name);
    node(row, 'td', { class: 'num' }, fmt(g.spans));
    const svg = node(node(row, 'td', { class: 'scorecell' }), 'svg:svg', { width: 160, height: 10, viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
    let x = 0;
    shown.forEach(([v, , color]) => {
      const w = 100 * ((g.cells[v] || {}).share || 0);
      node(svg, 'svg:rect', { x: x, width: w, height: 10, fill: color });
      x += w;
    });
    shown.forEach(([v]) => node(row, 'td', { class: 'num' }, g.cells[v] ? pct(g.cells[v].share, 0) : '·'));
  });
  const list = node(box, 'ul', { class: 'legend' });
  shown.forEach(([, label, color]) => {
    const item = node(list, 'li');
    node(item, 'span', { class: 'swatch' }).style.backgroundColor = color;
    item.append(document.createTextNode(label));
  });
}

function drawSpeakers(r) {
  const box = $('speakers');
  box.replaceChildren();
  if (!r) return;
  if (!r.speakers.length) {
    const known = r.voice_by_source.some((c) => c.voice !== 'unknown');
    empty(box, known ? "No named speaker's quote holds a fragment." : 'No speakers known: these analyses come from a model without an attribution head.');
    return;
  }
  const table = node(box, 'table', { class: 'top' });
  const head = node(node(table, 'thead'), 'tr');
  ['#', 'Speaker', 'Fragments', 'Articles', 'Top techniques'].forEach((h) => node(head, 'th', { scope: 'col' }, h));
  const body = node(table, 'tbody');
  r.speakers.forEach((s, i) => {
    const row = node(body, 'tr');
    node(row, 'td', { class: 'num' }, String(i + 1));
    node(row, 'td', {}, s.speaker);
    node(row, 'td', { class: 'num' }, fmt(s.spans));
    node(row, 'td', { class: 'num' }, fmt(s.articles));
    const cell = node(row, 'td');
    Object.entries(s.techniques).slice(0, 3).forEach(([name, n]) => {
      const t = tech(name);
      const item = node(cell, 'span', { class: 'used', title: t.definition });
      node(item, 'span', { class: 'swatch' }).style.backgroundColor = t.color;
      item.append(document.createTextNode(`${t.title} ${fmt(n)}`));
    });
  });
}

// Per source, the names its flagged fragments aim at most (the report's "targets").
function drawTargets(r) {
  const box = $('targets');
  box.replaceChildren();
  if (!r) return;
  if (!r.targets.length) {
    empty(box, 'No fragment aims at a named person or group (or these analyses were stored before targets were).');
    return;
  }
  const table = node(box, 'table', { class: 'top' });
  const head = node(node(table, 'thead'), 'tr');
  ['Source', 'Aims at', 'Fragments', 'Articles', 'Top techniques'].forEach((h) => node(head, 'th', { scope: 'col' }, h));
  const body = node(table, 'tbody');
  r.targets.forEach((t) => {
    const row = node(body, 'tr');
    node(row, 'td', {}, t.rank === 1 ? t.source : '');
    node(row, 'td', {}, t.target);
    node(row, 'td', { class: 'num' }, fmt(t.spans));
    node(row, 'td', { class: 'num' }, fmt(t.articles));
    const cell = node(row, 'td');
    Object.entries(t.techniques).slice(0, 3).forEach(([name, n]) => {
      const info = tech(name);
      const item = node(cell, 'span', { class: 'used', title: info.definition });
      node(item, 'span', { class: 'swatch' }).style.backgroundColor = info.color;
      item.append(document.createTextNode(`${info.title} ${fmt(n)}`));
    });
  });
}
