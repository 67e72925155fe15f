"""A comparison in the terminal: rich tables of the techniques side by side, the top
fragments, the aligned sentences with each one's techniques, and the shared quotes.

Every cell built from an article is a :class:`~rich.text.Text`, so article text is never
read as markup. rich is imported inside the functions, so that ``import spinscope``
stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._techniques import get_technique
from ._comparison import Comparison, Passage, Quote, Side

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text


def _flat(text: str) -> str:
    return " ".join(text.split())


def _names(techniques: tuple[str, ...]) -> Text:
    from rich.text import Text

    if not techniques:
        return Text("no technique", style="dim")
    parts = [(get_technique(t).title, get_technique(t).color) for t in techniques]
    return Text(", ").join(Text(title, style=colour) for title, colour in parts)


def technique_table(comparison: Comparison) -> Table:
    """Each technique's fragments in A and in B: count and share of the article's fragments.

    Example:
        >>> # Console().print(technique_table(compare_texts(model, text_a, text_b)))
    """
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Techniques side by side", show_edge=False)
    table.add_column("technique")
    for side in ("A", "B"):
        table.add_column(f"{side} n", justify="right")
        table.add_column(f"{side} share", justify="right")
    for t in comparison.techniques:
        tech = get_technique(t.technique)
        table.add_row(
            Text.assemble(("██", tech.color), f" {tech.title}"),
            str(t.counts[0]),
            f"{t.shares[0]:.0%}",
            str(t.counts[1]),
            f"{t.shares[1]:.0%}",
        )
    return table


def top_table(comparison: Comparison) -> Table:
    """The most confident fragments of each article.

    Example:
        >>> # Console().print(top_table(compare_texts(model, text_a, text_b)))
    """
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Top fragments", show_edge=False)
    table.add_column("")
    table.add_column("technique")
    table.add_column("conf.", justify="right")
    table.add_column("fragment", ratio=1)
    for label, side in (("A", comparison.a), ("B", comparison.b)):
        for s in side.top:
            tech = get_technique(s.technique)
            fragment = _flat(side.analysis.text[s.start : s.end])
            table.add_row(
                label, Text(tech.title, style=tech.color), f"{s.confidence:.2f}", Text(fragment)
            )
    return table


def _passage(p: Passage) -> Text:
    from rich.text import Text

    return Text.assemble(_flat(p.text), "\n", _names(p.techniques))


def _pair_table(title: str, score: str, rows: list[tuple[float, Text, Text]]) -> Table:
    """A table of A/B pairs, each with its score in the first column."""
    from rich.table import Table

    table = Table(title=title, show_edge=False, show_lines=True)
    table.add_column(score, justify="right")
    table.add_column("A", ratio=1)
    table.add_column("B", ratio=1)
    for value, a, b in rows:
        table.add_row(f"{value:.2f}", a, b)
    return table


def sentence_table(comparison: Comparison) -> Table:
    """The aligned sentences, each with the techniques its article uses in it.

    Example:
        >>> # Console().print(sentence_table(compare_texts(model, text_a, text_b)))
    """
    rows = [(p.similarity, _passage(p.a), _passage(p.b)) for p in comparison.sentences]
    return _pair_table("Sentences that say the same thing", "sim.", rows)


def _quote(q: Quote) -> Text:
    from rich.text import Text

    speaker = q.speaker or "unknown speaker"
    return Text.assemble(_flat(q.text), "\n", (f"— {speaker}", "italic"))


def quote_table(comparison: Comparison) -> Table:
    """The quotes both articles report, each with its speaker there.

    Example:
        >>> # Console().print(quote_table(compare_texts(model, text_a, text_b)))
    """
    rows = [(q.overlap, _quote(q.a), _quote(q.b)) for q in comparison.quotes or ()]
    return _pair_table("Quotes both report", "overlap", rows)


def _heading(label: str, side: Side) -> Text:
    from rich.text import Text

    return Text.assemble((f"{label}: ", "bold"), side.source, f" — {side.analysis.summary.line()}")


def render_comparison(comparison: Comparison) -> RenderableType:
    """Everything ``spinscope compare`` shows, as one rich renderable.

    Example:
        >>> # Console().print(render_comparison(comparison))
    """
    from rich.console import Group
    from rich.text import Text

    c, o = comparison, comparison.options
    parts: list[RenderableType] = [_heading("A", c.a), _heading("B", c.b), Text()]
    for label, side in (("A", c.a), ("B", c.b)):
        parts += [Text(f"warning: {label}: {w}", style="yellow") for w in side.analysis.warnings]
    parts += [technique_table(c), Text(), top_table(c), Text()] if c.techniques else []
    if c.sentences:
        parts += [sentence_table(c), Text()]
    else:
        parts.append(Text(f"No sentences say the same thing (similarity ≥ {o.similarity})."))
    if c.quotes is None:
        parts.append(Text("Quotes: the model has no attribution head.", style="dim"))
    elif c.quotes:
        parts.append(quote_table(c))
    else:
        parts.append(Text(f"No quote is in both (word overlap ≥ {o.overlap})."))
    return Group(*parts)


def print_comparison(console: Console, comparison: Comparison) -> None:
    """Print a comparison on ``console``.

    Example:
        >>> # print_comparison(Console(), compare_texts(model, text_a, text_b))
    """
    console.print(render_comparison(comparison))
