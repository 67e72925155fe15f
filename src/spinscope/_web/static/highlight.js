// The highlighted view of one analysis, shared by the analyzer page (app.js) and the pages
// of stored articles (article.js): the slider, the legend filters, the sentence scores and
// the summary are recomputed here without a new request. Set state.analysis (the JSON of
// Analysis.to_dict()), then call render().
// Article text is only ever inserted with textContent, never as HTML. Spans of a model with
// an attribution head carry voice, speaker and cue: the tooltip says who speaks, and the
// "only the article's own voice" toggle hides quoted fragments like the slider hides weak ones.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { analysis: null, techniques: {}, hidden: new Set() };

// Colours and definitions of the 14 techniques; await before the first render.
const techniquesReady = fetch('/api/techniques').then((r) => r.json()).then((list) => {
  list.forEach((t) => { state.techniques[t.name] = t; });
});

function showThreshold() {
  $('threshold-value').textContent = Number($('threshold').value).toFixed(2);
}

function setStatus(message, isError) {
  $('status').textContent = message;
  $('status').className = isError ? 'error' : '';
}

// Whether the spans say whose voice they are (the model has an attribution head).
function hasVoices() {
  return state.analysis.spans.some((s) => 'voice' in s);
}

function ownVoiceOnly() {
  return hasVoices() && $('own-voice').checked;
}

function aboveThreshold() {
  const threshold = Number($('threshold').value);
  const own = ownVoiceOnly();
  return state.analysis.spans.filter((s) => s.confidence >= threshold && (!own || s.voice === 'author'));
}

// A span's voice in plain words, as the terminal view and the HTML report say it.
function saidBy(s) {
  if (!('voice' in s)) return '';
  if (s.voice !== 'attributed') return "the article's own voice";
  const who = s.speaker ? 'said by ' + s.speaker : 'attributed to an unnamed source';
  return s.cue ? `${who} (“${s.cue}”)` : who;
}

// Why a span was flagged, as the terminal view and the HTML report word it.
function whyOf(s) {
  const ev = s.evidence;
  if (!ev) return '';
  const parts = [];
  const cut = (t) => (t.length <= 60 ? t : t.slice(0, 59).trimEnd() + '…');
  if (ev.examples.length) parts.push('like ' + ev.examples.map((e) => `“${cut(e.text)}” (${e.similarity.toFixed(2)})`).join(', '));
  if (ev.recurs > 1) parts.push(`recurs ${ev.recurs}× in the article`);
  return parts.join(' · ');
}

function visibleSpans() {
  return aboveThreshold().filter((s) => !state.hidden.has(s.technique));
}

function color(name) {
  return (state.techniques[name] || {}).color || '#888';
}

function segments(text, spans) {
  const edges = new Set([0, text.length]);
  spans.forEach((s) => { edges.add(s.start); edges.add(s.end); });
  const cuts = Array.from(edges).sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i];
    const b = cuts[i + 1];
    out.push({ start: a, end: b, spans: spans.filter((s) => s.start <= a && b <= s.end) });
  }
  return out;
}

function renderArticle(spans) {
  const article = $('article');
  article.replaceChildren();
  const text = state.analysis.text;
  segments(text, spans).forEach((seg) => {
    const chunk = text.slice(seg.start, seg.end);
    if (!seg.spans.length) {
      article.append(document.createTextNode(chunk));
      return;
    }
    const ordered = seg.spans.slice().sort((x, y) => y.confidence - x.confidence);
    const mark = document.createElement('mark');
    mark.className = 'hl';
    mark.tabIndex = 0;
    mark.textContent = chunk;
    mark.dataset.start = seg.start;
    mark.style.backgroundColor = color(ordered[0].technique) + '38';
    mark.style.boxShadow = ordered.map((s, i) => `inset 0 -${3 * (i + 1)}px 0 ${color(s.technique)}`).join(', ');
    mark.setAttribute('aria-label', chunk + ': ' + ordered.map((s) => [s.title, saidBy(s)].filter(Boolean).join(', ')).join('; '));
    mark.setAttribute('aria-describedby', 'tooltip');
    mark.addEventListener('mouseenter', () => showTip(mark, ordered));
    mark.addEventListener('focus', () => showTip(mark, ordered));
    mark.addEventListener('mouseleave', hideTip);
    mark.addEventListener('blur', hideTip);
    article.append(mark);
  });
}

function showTip(mark, spans) {
  const tip = $('tooltip');
  tip.replaceChildren();
  spans.forEach((s) => {
    const head = document.createElement('p');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.backgroundColor = color(s.technique);
    const title = document.createElement('strong');
    title.textContent = s.title;
    head.append(swatch, title, document.createTextNode(' · confidence ' + s.confidence.toFixed(2)));
    const definition = document.createElement('p');
    definition.textContent = s.definition;
    const fragment = document.createElement('p');
    fragment.className = 'fragment';
    fragment.textContent = '“' + s.text + '”';
    tip.append(head, definition, fragment);
    const voice = saidBy(s);
    if (voice) {
      const said = document.createElement('p');
      said.className = 'voice';
      said.textContent = voice.charAt(0).toUpperCase() + voice.slice(1) + '.';
      tip.append(said);
    }
    if (s.target) {
      // Whom it aims at, as the terminal view and the HTML report say it.
      const aim = document.createElement('p');
      aim.className = 'target';
      aim.textContent = 'Aims at ' + s.target.name + '.';
      tip.append(aim);
    }
    const reason = whyOf(s);
    if (reason) {
      const because = document.createElement('p');
      because.className = 'why';
      because.textContent = reason.charAt(0).toUpperCase() + reason.slice(1) + '.';
      tip.append(because);
    }
  });
  const box = mark.getBoundingClientRect();
  tip.hidden = false;
  tip.style.left = Math.max(4, Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4)) + 'px';
  tip.style.top = (window.scrollY + box.bottom + 4) + 'px';
}

function hideTip() {
  $('tooltip').hidden = true;
}

function renderLegend() {
  const counts = {};
  aboveThreshold().forEach((s) => { counts[s.technique] = (counts[s.technique] || 0) + 1; });
  const legend = $('legend');
  legend.replaceChildren();
  Object.keys(counts).sort((a, b) => counts[b] - counts[a]).forEach((name) => {
    const t = state.techniques[name] || { title: name, definition: '' };
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.technique = name;
    button.title = t.definition;
    button.setAttribute('aria-pressed', state.hidden.has(name) ? 'false' : 'true');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.backgroundColor = color(name);
    button.append(swatch, document.createTextNode(`${t.title} (${counts[name]})`));
    button.addEventListener('click', () => {
      if (state.hidden.has(name)) state.hidden.delete(name); else state.hidden.add(name);
      render();
    });
    item.append(button);
    legend.append(item);
  });
}

function sentenceScores(spans) {
  return state.analysis.sentences.map((sent) => {
    let miss = 1;
    const names = [];
    spans.forEach((s) => {
      if (s.start < sent.end && sent.start < s.end) {
        miss *= 1 - s.confidence;
        if (!names.includes(s.title)) names.push(s.title);
      }
    });
    return { start: sent.start, end: sent.end, score: 1 - miss, titles: names };
  });
}

function renderSentences(scored) {
  const list = $('sentences');
  list.replaceChildren();
  const text = state.analysis.text;
  scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score).slice(0, 10)
    .sort((a, b) => a.start - b.start).forEach((s) => {
      const item = document.createElement('li');
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = Math.round(100 * s.score) + '%';
      const label = document.createElement('strong');
      label.textContent = s.score.toFixed(2) + ' ';
      item.append(label, document.createTextNode(s.titles.join(', ')), bar,
        document.createTextNode(text.slice(s.start, s.end).replace(/\s+/g, ' ').slice(0, 160)));
      item.addEventListener('click', () => {
        const marks = Array.from(document.querySelectorAll('mark.hl'));
        const first = marks.find((m) => Number(m.dataset.start) >= s.start);
        if (first) first.focus();
      });
      list.append(item);
    });
  if (!list.children.length) {
    const item = document.createElement('li');
    item.textContent = 'No sentence has a fragment above the threshold.';
    list.append(item);
  }
}

function summary(spans, scored) {
  const length = state.analysis.length || 1;
  const ranges = spans.map((s) => [s.start, s.end]).sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let until = -1;
  ranges.forEach(([a, b]) => {
    if (b > until) { covered += b - Math.max(a, until); until = b; }
  });
  let total = 0;
  let weighted = 0;
  scored.forEach((s) => { total += s.end - s.start; weighted += s.score * (s.end - s.start); });
  const counts = {};
  spans.forEach((s) => { counts[s.title] = (counts[s.title] || 0) + 1; });
  const top = Object.keys(counts).sort((a, b) => counts[b] - counts[a]).slice(0, 3);
  return {
    count: spans.length, techniques: Object.keys(counts).length, coverage: covered / length,
    score: total ? weighted / total : 0, top: top.map((t) => `${t} ${counts[t]}`),
  };
}

function showVoiceToggle() {
  const voiced = hasVoices();
  $('voice-filter').hidden = !voiced;
  if (!voiced) return;
  const threshold = Number($('threshold').value);
  const shown = state.analysis.spans.filter((s) => s.confidence >= threshold);
  const own = shown.filter((s) => s.voice === 'author').length;
  $('own-voice-count').textContent = `(${own} of ${shown.length} fragments)`;
}

function render() {
  showThreshold();
  showVoiceToggle();
  const spans = visibleSpans();
  const scored = sentenceScores(spans);
  const s = summary(spans, scored);
  $('summary').textContent = `${s.count} fragments using ${s.techniques} techniques` +
    (s.top.length ? ` (most frequent: ${s.top.join(', ')})` : '') +
    `; ${(100 * s.coverage).toFixed(1)}% of the text covered; overall score ${s.score.toFixed(2)}.`;
  renderLegend();
  renderArticle(spans);
  renderSentences(scored);
}

$('threshold').addEventListener('input', () => { if (state.analysis) render(); else showThreshold(); });
$('own-voice').addEventListener('change', () => { if (state.analysis) render(); });
