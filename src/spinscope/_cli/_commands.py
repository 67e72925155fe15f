"""The work behind each CLI command, as plain functions the CLI wraps and tests call."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from .._errors import InputError

# Re-exported for _web until it imports them from _formats and _techniques, where they live.
from .._formats import analysis_json as analysis_json
from .._formats import print_analysis, render_html
from .._formats import semeval_lines as semeval_lines
from .._ingest import decode_text, read_text_file
from .._pipeline import Analysis, Model
from .._semeval import (
    Corpus,
    Label,
    TechniqueScores,
    article_id,
    classify_labels,
    evaluate,
    format_labels,
    format_scores,
    read_articles,
    read_labels,
    score_e2e,
    score_si,
    score_tc,
    validation_ids,
)
from .._settings import Settings
from .._techniques import TECHNIQUES, get_technique
from .._techniques import techniques_json as techniques_json


class OutputFormat(StrEnum):
    """Formats of ``spinscope analyze``."""

    text = "text"
    json = "json"
    semeval = "semeval"
    si = "si"
    html = "html"


@dataclass(frozen=True)
class Source:
    """One input to analyze: a file path, or standard input."""

    name: str
    path: Path | None

    @property
    def article_id(self) -> str:
        """The SemEval id: digits of ``article<ID>.txt``, else the file's stem."""
        if self.path is None:
            return "stdin"
        return article_id(self.path) or self.path.stem

    def read(self, settings: Settings) -> tuple[str, list[str]]:
        if self.path is None:
            data = sys.stdin.buffer.read(settings.max_bytes + 1)
            if len(data) > settings.max_bytes:
                raise InputError(f"<stdin>: over the {settings.max_bytes:,}-byte limit")
            return decode_text(data, "<stdin>")
        return read_text_file(self.path, settings.max_bytes)


def collect_sources(inputs: list[str]) -> list[Source]:
    """Expand FILE, DIR (its visible files, sorted) and ``-`` into sources.

    Raises:
        InputError: for a path that does not exist or an empty directory.
    """
    sources: list[Source] = []
    for item in inputs:
        if item == "-":
            sources.append(Source("<stdin>", None))
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not files:
                raise InputError(f"{path}: directory holds no files")
            sources += [Source(str(p), p) for p in files]
        elif path.exists():
            sources.append(Source(str(path), path))
        else:
            raise InputError(f"{path}: no such file or directory")
    return sources


@dataclass
class AnalyzeResult:
    """What :func:`analyze_sources` did: analyses in input order and failures with reasons."""

    analyses: list[tuple[Source, Analysis]]
    failures: list[tuple[Source, str]]

    @property
    def exit_code(self) -> int:
        if not self.failures:
            return 0
        return 1 if self.analyses else InputError.exit_code


def analyze_sources(
    sources: list[Source],
    model: Model,
    threshold: float | None = None,
    techniques: list[str] | None = None,
    settings: Settings | None = None,
) -> Iterator[tuple[Source, Analysis | str]]:
    """Analyze each source; yields ``(source, analysis)`` or ``(source, error message)``."""
    settings = settings or model.settings
    for source in sources:
        try:
            text, warnings = source.read(settings)
            analysis = model.analyze(text, threshold=threshold, techniques=techniques)
        except InputError as exc:
            yield source, str(exc)
            continue
        if warnings:
            analysis = replace(analysis, warnings=(*warnings, *analysis.warnings))
        yield source, analysis


def write_outputs(
    result_stream: Iterator[tuple[Source, Analysis | str]],
    fmt: OutputFormat,
    out: Path | None,
    console: Console,
    errors: Console,
    many: bool,
) -> AnalyzeResult:
    """Write each analysis as it comes in the chosen format; report failures on ``errors``."""
    result = AnalyzeResult([], [])
    if fmt is OutputFormat.html and many and out is None:
        raise InputError("--format html with several inputs needs -o DIR for the reports")
    if fmt is OutputFormat.html and many and out is not None:
        out.mkdir(parents=True, exist_ok=True)
    handle = None
    if out is not None and not (fmt is OutputFormat.html and many):
        try:
            handle = out.open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{out}: cannot write ({exc.strerror})") from None
    target = Console(file=handle, width=100, soft_wrap=False) if handle else console
    # Machine-readable formats bypass rich, which would expand tabs and wrap lines.
    stream: TextIO = handle or sys.stdout
    try:
        for source, item in result_stream:
            if isinstance(item, str):
                result.failures.append((source, item))
                errors.print(f"[red]error:[/red] {item}", highlight=False)
                continue
            result.analyses.append((source, item))
            if fmt is OutputFormat.text:
                print_analysis(target, item, source.name)
            elif fmt is OutputFormat.json:
                doc = analysis_json(source.name, item)
                text = json.dumps(doc, ensure_ascii=False, indent=None if many else 2)
                stream.write(text + "\n")
            elif fmt in (OutputFormat.semeval, OutputFormat.si):
                labels = semeval_lines(source.article_id, item)
                if fmt is OutputFormat.si:
                    labels = [Label(source.article_id, a, b) for a, b in item.passages]
                lines = format_labels(labels)
                stream.write(lines)
            else:
                page = render_html(item, source.name)
                if many and out is not None:
                    (out / f"{Path(source.name).stem}.html").write_text(page, encoding="utf-8")
                else:
                    stream.write(page)
    finally:
        if handle:
            handle.close()
    if result.failures and (result.analyses or len(result.failures) > 1):
        total = len(result.failures) + len(result.analyses)
        errors.print(f"{len(result.failures)} of {total} inputs failed", highlight=False)
    return result


def techniques_table() -> Table:
    """The 14 techniques with definition and example, as a rich table."""
    table = Table(title="The 14 propaganda techniques (SemEval-2020 Task 11)", show_lines=True)
    table.add_column("technique")
    table.add_column("label")
    table.add_column("definition", ratio=2)
    table.add_column("example", ratio=2)
    for t in TECHNIQUES:
        table.add_row(f"[{t.color}]██[/] {t.title}", t.name, t.definition, f"“{t.example}”")
    return table


def classify_file(model: Model, articles_dir: Path, spans_file: Path, out: Path) -> int:
    """Fill in the technique of every span of ``spans_file``; write them to ``out`` in order.

    Returns:
        The number of spans classified.
    """
    spans = read_labels(spans_file, allow_unknown=True)
    if not spans:
        raise InputError(f"{spans_file}: holds no spans")
    labels = classify_labels(model, read_articles(articles_dir), spans)
    out.write_text(format_labels(labels), encoding="utf-8")
    return len(labels)


def _technique_table(title: str, scores: TechniqueScores) -> Table:
    table = Table(title=title, show_edge=False)
    for col in ("technique", "gold", "pred", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "technique" else "right")
    for name, s in scores.per_technique.items():
        table.add_row(
            get_technique(name).title,
            str(s.n_gold),
            str(s.n_pred),
            f"{s.precision:.4f}",
            f"{s.recall:.4f}",
            f"{s.f1:.4f}",
        )
    return table


def evaluate_files(
    gold_path: Path, pred_path: Path, task: str, console: Console
) -> dict[str, float]:
    """Score a prediction file against a gold file; print the figures; return the main ones."""
    gold = read_labels(gold_path)
    pred = read_labels(pred_path)
    figures: dict[str, float] = {}
    if task in ("si", "all"):
        si = score_si(gold, pred)
        console.print(
            f"SI  F1 {si.f1:.4f}  precision {si.precision:.4f}  recall {si.recall:.4f}  "
            f"(pred {si.n_pred}, gold {si.n_gold} after merging)",
            highlight=False,
        )
        figures["si_f1"] = si.f1
    if task in ("tc", "e2e", "all") and any(lb.technique is None for lb in gold + pred):
        raise InputError(f"task {task} needs a technique in every line of both files")
    if task == "tc":
        tc = score_tc(gold, pred)
        console.print(
            f"TC  micro-F1 {tc.micro.f1:.4f}  ({int(tc.micro.precision_sum)} of "
            f"{tc.micro.n_gold} gold spans labelled right)",
            highlight=False,
        )
        console.print(_technique_table("TC per technique", tc))
        figures["tc_micro_f1"] = tc.micro.f1
    if task in ("e2e", "all"):
        e2e = score_e2e(gold, pred)
        console.print(
            f"E2E micro-F1 {e2e.micro.f1:.4f}  precision {e2e.micro.precision:.4f}  "
            f"recall {e2e.micro.recall:.4f}  macro-F1 {e2e.macro_f1:.4f}",
            highlight=False,
        )
        console.print(_technique_table("End to end per technique", e2e))
        figures["e2e_micro_f1"] = e2e.micro.f1
        figures["e2e_macro_f1"] = e2e.macro_f1
    return figures


def evaluate_corpus(
    model: Model, folder: Path, console: Console, as_json: bool, validation_only: bool = False
) -> None:
    """Run the model over a PTC-format folder and print SI, TC and end-to-end figures.

    With ``validation_only``, only the fixed validation split (every 5th article by id) is
    scored, and the baseline's most frequent technique comes from the other articles.
    """
    corpus = Corpus.load(folder)
    if validation_only:
        val = validation_ids(corpus.articles)
        rest = corpus.subset(set(corpus.articles) - set(val))
        report = evaluate(model, corpus.subset(val), rest.labels)
    else:
        report = evaluate(model, corpus)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(format_scores(report) + "\n")
