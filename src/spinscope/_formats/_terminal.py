"""The terminal view: the article with coloured highlights, a legend, sentence scores, a summary.

rich is imported inside the functions, so that ``import spinscope`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .._pipeline import Analysis
from .._techniques import get_technique
from ._attributions import aims_at, said_by
from ._highlight import segments
from ._record import Record
from ._registry import Target
from ._why import why

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

MAX_SENTENCES = 10


def article_text(analysis: Analysis, plain: bool) -> Text:
    """The article with each highlighted run styled in its most confident technique's colour.

    In ``plain`` mode (no colours, e.g. writing to a file) highlighted runs are bracketed.
    """
    from rich.text import Text

    out = Text()
    for seg in segments(analysis.text, analysis.spans):
        chunk = analysis.text[seg.start : seg.end]
        top = seg.top
        if top is None:
            out.append(chunk)
        elif plain:
            out.append(f"[{chunk}]")
        else:
            style = f"bold {get_technique(top.technique).color}"
            out.append(chunk, style=style + (" underline" if len(seg.spans) > 1 else ""))
    return out


def legend(analysis: Analysis) -> Table:
    """Techniques found, with colour swatch, count and definition."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Techniques found", show_edge=False, expand=False)
    table.add_column("", width=2)
    table.add_column("technique")
    table.add_column("n", justify="right")
    table.add_column("what it is", ratio=1)
    for name, count in analysis.summary.counts.items():
        tech = get_technique(name)
        table.add_row(Text("██", style=tech.color), tech.title, str(count), tech.definition)
    return table


def fragments(analysis: Analysis) -> Table:
    """Every span: position, technique, confidence and the exact fragment; when the model
    looked for attributions, also whose voice it is ("said by Nicolas Maduro"); when it
    has an evidence index, why ("like “traitors” (0.91)"); whom it aims at, when any
    span names someone ("Juan Guaido")."""
    from rich.table import Table
    from rich.text import Text

    voices = analysis.attributions is not None
    aimed = any(s.target is not None for s in analysis.spans)
    reasons = any(s.evidence is not None for s in analysis.spans)
    table = Table(title="Fragments", show_edge=False)
    for col, kw in (
        ("#", {"justify": "right"}),
        ("chars", {}),
        ("technique", {}),
        ("conf.", {"justify": "right"}),
        ("fragment", {"ratio": 1}),
        *((("voice", {"ratio": 1}),) if voices else ()),
        *((("aims at", {"ratio": 1}),) if aimed else ()),
        *((("why", {"ratio": 2}),) if reasons else ()),
    ):
        table.add_column(col, **kw)
    for i, s in enumerate(analysis.spans, 1):
        tech = get_technique(s.technique)
        frag = " ".join(analysis.text[s.start : s.end].split())
        row: list[str | Text] = [
            str(i),
            f"{s.start}-{s.end}",
            Text(tech.title, style=tech.color),
            f"{s.confidence:.2f}",
            frag,
        ]
        table.add_row(
            *row,
            *((said_by(s),) if voices else ()),
            *(((aims_at(s) or "").removeprefix("aims at "),) if aimed else ()),
            *((why(s, examples=1) or "",) if reasons else ()),
        )
    return table


def sentence_table(analysis: Analysis) -> Table:
    """The highest-scoring sentences with their scores."""
    from rich.table import Table

    table = Table(title=f"Sentence scores (top {MAX_SENTENCES})", show_edge=False)
    table.add_column("score", justify="right")
    table.add_column("techniques")
    table.add_column("sentence", ratio=1)
    top = sorted(analysis.sentences, key=lambda s: -s.score)[:MAX_SENTENCES]
    for s in sorted((s for s in top if s.score > 0), key=lambda s: s.start):
        names = ", ".join(get_technique(t).title for t in s.techniques)
        sentence = " ".join(analysis.text[s.start : s.end].split())
        table.add_row(f"{s.score:.2f}", names, sentence)
    return table


def render_terminal(analysis: Analysis, title: str, plain: bool = False) -> RenderableType:
    """Everything the ``text`` format shows for one article, as one rich renderable."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    parts: list[RenderableType] = [Rule(Text(title)), article_text(analysis, plain), Text()]
    if analysis.spans:
        parts += [legend(analysis), Text(), fragments(analysis), Text(), sentence_table(analysis)]
    for w in analysis.warnings:
        parts.append(Text(f"warning: {w}", style="yellow"))
    parts.append(Text(f"Summary: {analysis.summary.line()}", style="bold"))
    return Group(*parts)


def print_analysis(console: Console, analysis: Analysis, title: str) -> None:
    """Print one analysis; colours only when the console is a terminal."""
    console.print(render_terminal(analysis, title, plain=not console.is_terminal))


def text_writer(target: Target) -> Callable[[Record], None]:
    """``text``: :func:`print_analysis` on the target's console, else plain on its stream."""
    if target.console is not None:
        console = target.console
    else:
        from rich.console import Console

        console = Console(file=target.stream, width=100, soft_wrap=False, markup=False)

    def write(record: Record) -> None:
        print_analysis(console, record.analysis, record.source)

    return write
