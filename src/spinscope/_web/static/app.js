// spinscope analyzer page: one request per analysis (all spans, threshold 0), shown by the
// shared view of highlight.js; downloads are built from what is shown.
'use strict';

fetch('/api/health').then((r) => r.json()).then((h) => {
  $('threshold').value = h.default_threshold;
  showThreshold();
});

async function analyze(event) {
  event.preventDefault();
  const file = $('file').files[0];
  const url = $('url').value.trim();
  const text = $('text').value;
  let response;
  setStatus('Analyzing…', false);
  $('analyze').disabled = true;
  try {
    if (file) {
      const form = new FormData();
      form.append('file', file);
      response = await fetch('/api/analyze-file?threshold=0', { method: 'POST', body: form });
    } else {
      const body = url ? { url: url, threshold: 0 } : { text: text, threshold: 0 };
      response = await fetch('/api/analyze', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
    }
    const data = await response.json();
    if (!response.ok) {
      const detail = data.error || (data.detail && data.detail.map((d) => d.msg).join('; '));
      setStatus(detail || ('Error ' + response.status), true);
      return;
    }
    await techniquesReady;
    state.analysis = data;
    state.hidden.clear();
    setStatus(data.warnings.length ? 'Warning: ' + data.warnings.join('; ') : '', false);
    $('result').hidden = false;
    render();
  } catch (err) {
    setStatus('Could not reach the server: ' + err, true);
  } finally {
    $('analyze').disabled = false;
  }
}

function download(name, type, content) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([content], { type: type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

function filteredAnalysis() {
  const spans = visibleSpans();
  const scored = sentenceScores(spans);
  return Object.assign({}, state.analysis, {
    threshold: Number($('threshold').value),
    spans: spans,
    sentences: scored.map((s) => ({ start: s.start, end: s.end, score: s.score })),
  });
}

$('input').addEventListener('submit', analyze);
$('download-json').addEventListener('click', () => {
  download('spinscope.json', 'application/json', JSON.stringify(filteredAnalysis(), null, 2));
});
$('download-semeval').addEventListener('click', () => {
  const lines = visibleSpans().map((s) => `1\t${s.technique}\t${s.start}\t${s.end}\n`).join('');
  download('spinscope.tsv', 'text/tab-separated-values', lines);
});
$('download-html').addEventListener('click', async () => {
  const shown = Array.from(new Set(visibleSpans().map((s) => s.technique)));
  const response = await fetch('/api/report', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      text: state.analysis.text, threshold: Number($('threshold').value),
      techniques: shown,
    }),
  });
  download('spinscope-report.html', 'text/html', await response.text());
});
