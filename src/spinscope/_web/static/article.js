// A stored article: its analysis comes from the page's JSON twin (body[data-api]) and is
// shown by the same view as the analyzer's (highlight.js). Stored spans are those at or
// above the threshold of the batch run, so the slider starts there.
'use strict';

async function showStored() {
  try {
    const [response] = await Promise.all([fetch(document.body.dataset.api), techniquesReady]);
    const data = await response.json();
    if (!response.ok) {
      setStatus(data.error || ('Error ' + response.status), true);
      return;
    }
    state.analysis = data.analysis;
    $('threshold').value = data.analysis.threshold;
    const warnings = data.analysis.warnings;
    setStatus(warnings.length ? 'Warning: ' + warnings.join('; ') : '', false);
    $('result').hidden = false;
    render();
  } catch (err) {
    setStatus('Could not reach the server: ' + err, true);
  }
}

showStored();
