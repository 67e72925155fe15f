"""The shipped model compares two short reports of one story that share a quote."""

from __future__ import annotations

import pytest

from spinscope import compare, load_model

pytestmark = pytest.mark.slow

A = (
    "The mayor said the bridge will close for repairs next week. "
    '"This is a disgrace and a betrayal of our city," said Councillor Ann Lee. '
    "Traffic is expected to be heavy on the ring road."
)
B = (
    "Repairs will shut the harbour bridge from next week, the mayor announced. "
    'Councillor Ann Lee told reporters: "This is a disgrace and a betrayal of our city." '
    "Football fans celebrated the team's victory on Saturday night."
)


def test_two_reports_share_the_councillors_quote_and_its_sentence() -> None:
    model = load_model()
    a, b = model.analyze(A), model.analyze(B)
    c = compare(a, b, model)
    assert c.quotes is not None
    (quote,) = [q for q in c.quotes if "betrayal" in q.a.text]
    assert "betrayal" in quote.b.text and quote.overlap >= 0.9
    assert quote.a.speaker is not None and "Lee" in quote.a.speaker
    assert quote.b.speaker is not None and "Lee" in quote.b.speaker
    # The sentences that carry the quote say the same thing.
    assert (1, 1) in [(p.a.index, p.b.index) for p in c.sentences]
    assert compare(b, a, model, sources=("B", "A")) == c.swapped()
