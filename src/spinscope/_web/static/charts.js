// Hand-drawn SVG charts for the dashboard: element builders, number formats, round axis
// ticks, a tooltip that follows the mouse (or the keyboard focus) and horizontal bar charts.
// No library: every element is made here, and text only ever goes in with textContent.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

function node(parent, name, attrs, text) {
  const el = name.startsWith('svg:')
    ? document.createElementNS(SVG_NS, name.slice(4)) : document.createElement(name);
  Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, v));
  if (text !== undefined) el.textContent = text;
  if (parent) parent.append(el);
  return el;
}

function svgRoot(box, width, height, label) {
  return node(box, 'svg:svg', {
    width: width, height: height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label,
  });
}

const fmt = (n) => Number(n).toLocaleString('en');
const pct = (x, digits = 1) => (100 * x).toFixed(digits) + '%';
const measurer = document.createElement('canvas').getContext('2d');

function fit(label, px) {
  // Chart labels are 13px; the full text is always in the tooltip.
  measurer.font = '13px system-ui, sans-serif';
  if (measurer.measureText(label).width <= px) return label;
  let cut = label;
  while (cut.length > 1 && measurer.measureText(cut + '…').width > px) cut = cut.slice(0, -1);
  return cut + '…';
}

function ticks(max, count, whole) {
  // Round steps (1, 2, 2.5, 5 × 10^n) so that gridlines read at a glance.
  if (!(max > 0)) return [0, whole ? 1 : 0.25];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  if (whole) step = Math.max(1, Math.round(step));
  const out = [];
  for (let v = 0; v < max + step - 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

function monthLabel(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(y, m - 1, 1).toLocaleString('en', { month: 'short' }) + ' ' + y;
}

function monthRange(first, last) {
  const out = [];
  let [y, m] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  while ((y < ly || (y === ly && m <= lm)) && out.length < 1200) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

function empty(box, text) {
  node(box, 'p', { class: 'empty' }, text);
}

// -- tooltip and interaction ----------------------------------------------------------------

function showTip(event, lines) {
  const tip = $('tooltip');
  tip.replaceChildren();
  lines.forEach((line) => {
    const p = node(tip, 'p');
    if (line.color) {
      const swatch = node(p, 'span', { class: 'swatch' });
      swatch.style.backgroundColor = line.color;
    }
    if (line.strong) node(p, 'strong', {}, line.strong);
    if (line.text) p.append(document.createTextNode((line.strong ? ' ' : '') + line.text));
    if (line.muted) p.className = 'muted';
  });
  tip.hidden = false;
  placeTip(event);
}

function placeTip(event) {
  const tip = $('tooltip');
  if (tip.hidden) return;
  let x;
  let y;
  if (event.type.startsWith('mouse')) {
    x = event.pageX + 14;
    y = event.pageY + 16;
    if (x + tip.offsetWidth > window.scrollX + document.documentElement.clientWidth - 6) {
      x = event.pageX - tip.offsetWidth - 14;
    }
  } else {
    const box = event.target.getBoundingClientRect();
    x = window.scrollX + box.left;
    y = window.scrollY + box.bottom + 6;
  }
  tip.style.left = Math.max(window.scrollX + 4, x) + 'px';
  tip.style.top = y + 'px';
}

function hideTip() {
  $('tooltip').hidden = true;
}

function interactive(el, label, lines, onClick) {
  el.setAttribute('tabindex', '0');
  el.setAttribute('role', 'button');
  el.setAttribute('aria-label', label);
  el.classList.add('hot');
  const show = (event) => showTip(event, typeof lines === 'function' ? lines() : lines);
  el.addEventListener('mouseenter', show);
  el.addEventListener('focus', show);
  el.addEventListener('mousemove', placeTip);
  el.addEventListener('mouseleave', hideTip);
  el.addEventListener('blur', hideTip);
  const act = () => { hideTip(); onClick(); };
  el.addEventListener('click', act);
  el.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); act(); }
  });
}

function focusKey(root, name) {
  root.querySelectorAll('[data-technique]').forEach((el) => {
    el.classList.toggle('dim', Boolean(name) && el.dataset.technique !== name);
  });
}

function barChart(box, rows, options) {
  // Horizontal bars, one row each: label, bar, value; the whole row is the hover target.
  // options: label, labelW, name, value, color, text, aria, tip, click (each of a row), and
  // key (optional: tags the bar for focusKey).
  const width = box.clientWidth || 520;
  const labelW = Math.min(options.labelW, width * 0.42);
  const valueW = 92;
  const rowH = 28;
  const barW = width - labelW - valueW - 8;
  const max = Math.max(...rows.map(options.value)) || 1;
  const root = svgRoot(box, width, rows.length * rowH + 4, options.label);
  rows.forEach((row, i) => {
    const y = 2 + i * rowH;
    const g = node(root, 'svg:g', { class: 'row' });
    node(g, 'svg:rect', { x: 0, y: y, width: width, height: rowH, class: 'hit' });
    const name = options.name(row);
    node(g, 'svg:text', { x: labelW - 8, y: y + rowH / 2, class: 'label', 'text-anchor': 'end' }, fit(name, labelW - 12));
    const w = Math.max(2, barW * options.value(row) / max);
    const bar = node(g, 'svg:rect', { x: labelW, y: y + 5, width: w, height: rowH - 10, rx: 3, fill: options.color(row) });
    if (options.key) bar.dataset.technique = options.key(row);
    node(g, 'svg:text', { x: labelW + w + 6, y: y + rowH / 2, class: 'value' }, options.text(row));
    interactive(g, options.aria(row), () => options.tip(row), () => options.click(row));
  });
  return root;
}
