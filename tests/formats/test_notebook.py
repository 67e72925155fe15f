"""An analysis in a notebook (``Analysis._repr_html_``): the HTML report's highlighted
article and legend as one scoped fragment, escaped alike; the display registry behind it."""

from __future__ import annotations

import re

import pytest

from spinscope import Analysis
from spinscope._formats import notebook_html, render_html
from spinscope._pipeline import _notebook, html_of
from spinscope._pipeline._analysis import Span, build_analysis

from ..fakes import fake_model

HOSTILE = 'Lies! <script>alert("x")</script> & \'quoted\' "words" <b>bold</b>'


def hostile() -> Analysis:
    """Loaded "Lies"; Doubt from the tag to "'quo", overlapping Slogans "'quoted' "words"."""
    tag, quoted = HOSTILE.index("<script>"), HOSTILE.index("'quoted'")
    spans = [
        Span(0, 4, "Loaded_Language", 0.9),
        Span(tag, quoted + 4, "Doubt", 0.7),
        Span(quoted, HOSTILE.index(" <b>"), "Slogans", 0.4),
    ]
    return build_analysis(HOSTILE, spans, "m<1>", 0.3, ['warning "<i>"'])


def article_of(html: str) -> str:
    (found,) = re.findall(r'<div class="article">.*?</div>', html, re.S)
    return str(found)


def test_the_notebook_view_is_the_registered_renderer() -> None:
    a = hostile()
    assert a._repr_html_() == notebook_html(a)


def test_text_tags_and_quotes_are_escaped() -> None:
    html = notebook_html(hostile())
    assert "<script" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<q>&#39;quoted&#39; &#34;words&#34;</q>" in html
    assert "&lt;b&gt;bold&lt;/b&gt;</div>" in html
    assert "m&lt;1&gt;" in html and "warning &#34;&lt;i&gt;&#34;" in html


def test_the_article_is_marked_up_exactly_as_in_the_html_report() -> None:
    a = hostile()
    view = article_of(notebook_html(a))
    assert view == article_of(render_html(a, "report"))
    assert view.count('<mark class="hl') == 4  # Doubt and Slogans overlap on "&#39;quo"
    assert "<q>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quo</q>" in view


def test_the_fragment_is_self_contained_and_its_styles_stay_inside_it() -> None:
    html = notebook_html(hostile())
    assert html.startswith('<div class="spinscope-analysis">') and html.endswith("</div>")
    assert "<html" not in html and "<body" not in html and "src=" not in html
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    selectors = re.findall(r"(?:^|})\s*([^{}]+?)\s*{", style)
    assert selectors
    for group in selectors:
        for selector in group.split(","):
            assert selector.strip().startswith(".spinscope-analysis"), selector


def test_the_legend_lists_the_techniques_found_with_their_counts() -> None:
    html = notebook_html(hostile())
    chips = re.findall(r'<span class="chip" title="[^"]+">.*?</span>([^<]+)</span>', html)
    assert chips == ["Doubt (1)", "Loaded language (1)", "Slogans (1)"]


def test_an_analysis_without_spans_shows_its_plain_text() -> None:
    html = notebook_html(build_analysis("Calm <words>.", [], "m", 0.3))
    assert article_of(html) == '<div class="article">Calm &lt;words&gt;.</div>'
    assert 'class="chip"' not in html


def test_a_real_analysis_says_whose_voice_each_fragment_is() -> None:
    a = fake_model(attribution=True).analyze('The mayor said "they are traitors". A disgrace.')
    html = a._repr_html_()
    assert html is not None and '<p class="voice">' in html


def test_without_a_renderer_jupyter_gets_none_and_shows_the_plain_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_notebook, "_HTML", {})
    assert hostile()._repr_html_() is None
    assert html_of("analysis", hostile()) is None
