"""What the human-review commands print: ``spinscope agreement`` (the model against human
labels, or one article's labels beside its spans) and ``spinscope queue`` (the articles
to send to annotation first), as terminal tables, JSON, or, for the queue, keys a line.

Stored strings (keys, titles, sources, article text) go into tables as :class:`Text`,
never read as rich markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from .._errors import InputError
from .._techniques import get_technique
from ._agreement import Agreement, agreement_json, view_scores

if TYPE_CHECKING:
    from rich.console import Console

    from .._semeval import SpanScore
    from .._store import HumanView, QueueItem

QUEUE_FORMATS = ("table", "json", "ids")
AGREEMENT_FORMATS = ("table", "json")
# The longest fragment text a terminal row shows.
FRAGMENT_CHARS = 60


def _table() -> Table:
    # The look of the report's tables: a rule under the heads, no grid, flush left.
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)


def _figures(score: SpanScore) -> list[str]:
    return [
        f"{score.n_gold:,}",
        f"{score.n_pred:,}",
        f"{score.precision:.3f}",
        f"{score.recall:.3f}",
        f"{score.f1:.3f}",
    ]


def agreement_table(result: Agreement) -> Table:
    """Per technique, then micro-averaged and for spans of any technique: human and
    model spans, the model's precision, recall and F1 against the human labels."""
    table = _table()
    table.add_column("technique", no_wrap=True, overflow="ellipsis")
    for head in ("human", "model", "precision", "recall", "F1"):
        table.add_column(head, justify="right")
    for name, score in sorted(result.e2e.per_technique.items()):
        t = get_technique(name)
        table.add_row(Text.assemble(("██ ", t.color), t.title), *_figures(score))
    table.add_section()
    table.add_row(Text("all techniques (micro)", style="bold"), *_figures(result.e2e.micro))
    table.add_row(Text("spans, any technique"), *_figures(result.si))
    return table


def print_agreement(result: Agreement, console: Console) -> None:
    """Print ``result``: what was compared, the table, and the macro F1.

    Example:
        >>> import io
        >>> from rich.console import Console
        >>> from spinscope._semeval import SpanScore, TechniqueScores
        >>> from spinscope._store import Filters
        >>> s = SpanScore(1.0, 1.0, 1, 1)
        >>> a = Agreement(Filters("m"), 1, 2, s, TechniqueScores(s, {"Doubt": s}))
        >>> c = Console(file=io.StringIO(), width=100)
        >>> print_agreement(a, c)
        >>> c.file.getvalue().splitlines()[0]
        'Model m against human labels: 1 labelled article (of 2 in the store).'
    """
    many = "article" if result.articles == 1 else "articles"
    console.print(
        Text(
            f"Model {result.filters.model_id} against human labels: {result.articles:,} "
            f"labelled {many} (of {result.labelled:,} in the store)."
        ),
        highlight=False,
    )
    console.print(agreement_table(result))
    console.print(
        Text(
            f"macro F1 {result.e2e.macro_f1:.3f} (over the techniques people labelled). "
            "Precision: the share of the model's spans people marked too; recall: the "
            "share of people's spans the model found (partial overlaps count in part).",
            style="dim",
        )
    )


def view_table(view: HumanView) -> Table:
    """One article's human labels and model spans, in text order."""
    table = _table()
    table.add_column("who")
    table.add_column("start", justify="right")
    table.add_column("end", justify="right")
    table.add_column("technique", no_wrap=True)
    table.add_column("conf.", justify="right")
    table.add_column("text", ratio=1, no_wrap=True, overflow="ellipsis")
    rows = [(h.start, h.end, 0, "human", h.technique, "") for h in view.labels]
    rows += [(s.start, s.end, 1, "model", s.technique, f"{s.confidence:.2f}") for s in view.spans]
    for start, end, _, who, technique, confidence in sorted(rows):
        t = get_technique(technique)
        fragment = view.text[start:end].replace("\n", " ")[:FRAGMENT_CHARS]
        table.add_row(
            who,
            str(start),
            str(end),
            Text.assemble(("██ ", t.color), t.title),
            confidence,
            Text(fragment),
        )
    return table


def print_view(view: HumanView, console: Console) -> None:
    """Print one article's human labels beside its model spans, and how far they agree."""
    model = f"model {view.model_id}" if view.model_id else "no stored analysis"
    console.print(
        Text(
            f"{view.key}: {len(view.labels)} human labels ({view.tool}, {view.location}, "
            f"{view.imported_at}); {len(view.spans)} spans by {model}."
        ),
        highlight=False,
    )
    console.print(view_table(view))
    micro = view_scores(view).micro
    console.print(
        Text(
            f"model against people: precision {micro.precision:.3f}, recall "
            f"{micro.recall:.3f}, F1 {micro.f1:.3f}",
            style="dim",
        )
    )


def write_agreement(result: Agreement | HumanView, fmt: str, console: Console) -> None:
    """Print ``result`` as ``table`` or ``json`` on ``console``.

    Raises:
        InputError: for another format.

    Example:
        >>> import io
        >>> from rich.console import Console
        >>> from spinscope._store import HumanView
        >>> c = Console(file=io.StringIO(), width=100)
        >>> view = HumanView("7", "Lies!", "brat", "a", "t", (), None, None, ())
        >>> write_agreement(view, "table", c)
        >>> c.file.getvalue().splitlines()[0]
        '7: 0 human labels (brat, a, t); 0 spans by no stored analysis.'
    """
    if fmt == "json":
        console.file.write(agreement_json(result))
    elif fmt == "table":
        if isinstance(result, Agreement):
            print_agreement(result, console)
        else:
            print_view(result, console)
    else:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(AGREEMENT_FORMATS)}")


def queue_table(items: Sequence[QueueItem]) -> Table:
    """The review queue, most uncertain first: uncertainty, borderline spans, mean distance to the
    threshold, spans, source, key and title (JSON adds the date and score)."""
    table = _table()
    # The figures never wrap or shrink: on a narrow terminal the names give way.
    for head in ("uncertainty", "near", "margin", "spans"):
        table.add_column(head, justify="right", no_wrap=True, min_width=len(head))
    table.add_column("source", no_wrap=True, max_width=16, overflow="ellipsis")
    table.add_column("key", no_wrap=True, max_width=30, overflow="ellipsis")
    table.add_column("title", ratio=1, no_wrap=True, overflow="ellipsis")
    for item in items:
        u = item.uncertainty
        table.add_row(
            f"{u.score:.2f}",
            str(u.near),
            "·" if u.margin is None else f"{u.margin:.2f}",
            str(u.spans),
            Text(item.source),
            Text(item.key),
            Text(item.title or ""),
        )
    return table


def write_queue(items: Sequence[QueueItem], fmt: str, console: Console) -> None:
    """Print the review queue ``items`` as ``table``, ``json`` (a list of objects) or
    ``ids`` (a stored key a line, for ``spinscope export --keys -``).

    Raises:
        InputError: for another format.

    Example:
        >>> import io
        >>> from rich.console import Console
        >>> from spinscope._store import QueueItem, Uncertainty
        >>> c = Console(file=io.StringIO())
        >>> write_queue([QueueItem("a/b.txt", None, "S", None, 0.5, Uncertainty(1, 1, 0, 1))],
        ...             "ids", c)
        >>> c.file.getvalue()
        'a/b.txt\\n'
    """
    if fmt == "ids":
        # Keys are written as they are stored, whatever characters they hold.
        console.file.write("".join(item.key + "\n" for item in items))
    elif fmt == "json":
        doc = [item.to_dict() for item in items]
        console.file.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "table":
        console.print(queue_table(items))
    else:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(QUEUE_FORMATS)}")
