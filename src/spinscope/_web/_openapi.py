"""What the JSON routes answer, as closed pydantic models, for the OpenAPI schema only.

The routes build their JSON from the library's own ``to_dict`` methods and return it as it
is; these models only describe it (``responses={200: {"model": ...}}``), so the schema
at ``/openapi.json`` says exactly which keys an answer has and of what type, with no
property left open. The web tests run Schemathesis against that schema, so a key added,
dropped or retyped without a change here fails them.

A key that only some answers carry (a span's ``voice`` with a model that has an
attribution head, its ``evidence`` with an evidence index) is optional and never
``null``; a key that is always there and may be ``null`` (a span's ``target``) is
required and nullable.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

# Absent or the given type, never null, in the schema; None in Python.
Absent = SkipJsonSchema[None]


class Closed(BaseModel):
    """A JSON object with exactly the declared keys (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")


class TargetOut(Closed):
    """Whom a fragment aims at: a mention in the text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    name: str


class ExampleOut(Closed):
    """An annotated fragment similar to the span."""

    text: str
    technique: str
    similarity: float


class EvidenceOut(Closed):
    """Why a span was flagged."""

    examples: list[ExampleOut]
    recurs: int = Field(ge=0)


class AttributionRef(Closed):
    """The offsets of the statement a span lies in: ``[start, end]`` of each role."""

    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: tuple[int, int]


class SpanOut(Closed):
    """A fragment that uses one technique."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    technique: str
    title: str
    definition: str
    confidence: float = Field(ge=0, le=1)
    voice: Literal["author", "attributed"] | Absent = Field(
        default=None, description="with an attribution head: whose voice the fragment is"
    )
    speaker: str | None = Field(default=None, description="with an attribution head")
    cue: str | None = Field(default=None, description="with an attribution head")
    attribution: AttributionRef | Absent = None
    evidence: EvidenceOut | Absent = None
    target: TargetOut | None


class SummaryOut(Closed):
    """Article-level figures."""

    score: float = Field(ge=0, le=1)
    coverage: float = Field(ge=0, le=1)
    spans: int = Field(ge=0)
    techniques: dict[str, int] = Field(description="spans per technique, most first")
    text: str = Field(description="the figures as one line")


class SentenceOut(Closed):
    """A sentence and how likely it is to use at least one technique."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    score: float = Field(ge=0, le=1)
    techniques: list[str]


class RangeOut(Closed):
    """A passage: character offsets."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class RoleOut(RangeOut):
    """One role of a statement (its source or cue) and its text."""

    text: str | None


class ContentOut(RangeOut):
    """A statement's content, and the pieces it is made of."""

    text: str
    fragments: list[tuple[int, int]]


class StatementOut(Closed):
    """Who says what: an attribution found by the attribution head."""

    speaker: str | None
    source: RoleOut | None
    cue: RoleOut | None
    content: ContentOut


class AnalysisOut(Closed):
    """One analysis, as ``spinscope analyze -f json`` prints it (less ``source``)."""

    model: str
    threshold: float = Field(ge=0, le=1)
    summary: SummaryOut
    spans: list[SpanOut]
    sentences: list[SentenceOut]
    passages: list[RangeOut]
    attributions: list[StatementOut] | Absent = Field(
        default=None, description="with an attribution head"
    )
    warnings: list[str]
    length: int = Field(ge=0)
    text: str


class AnalyzeOut(AnalysisOut):
    """An analysis and where its text came from (``<text>``, ``<html>``, the URL or file)."""

    source: str


class SideOut(Closed):
    """One of the two articles: its figures and most confident fragments."""

    source: str
    model: str
    threshold: float = Field(ge=0, le=1)
    score: float = Field(ge=0, le=1)
    coverage: float = Field(ge=0, le=1)
    spans: int = Field(ge=0)
    sentences: int = Field(ge=0)
    summary: str
    top: list[SpanOut]
    warnings: list[str]
    length: int = Field(ge=0)


class OptionsOut(Closed):
    """The thresholds used."""

    similarity: float
    overlap: float
    top: int


class ShareOut(Closed):
    """A technique's fragments in one article, and their share of its fragments."""

    count: int = Field(ge=0)
    share: float = Field(ge=0, le=1)


class TechniqueShareOut(Closed):
    technique: str
    title: str
    a: ShareOut
    b: ShareOut


class PassageOut(Closed):
    """A sentence of one article (``sentence``: its index) and its techniques."""

    sentence: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    techniques: list[str]


class AlignedOut(Closed):
    similarity: float
    a: PassageOut
    b: PassageOut


class QuoteOut(Closed):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    speaker: str | None


class SharedQuoteOut(Closed):
    overlap: float
    a: QuoteOut
    b: QuoteOut


class ComparisonOut(Closed):
    """Two articles compared, as ``spinscope compare -f json`` prints it."""

    a: SideOut
    b: SideOut
    options: OptionsOut
    techniques: list[TechniqueShareOut]
    sentences: list[AlignedOut]
    quotes: list[SharedQuoteOut] | None = Field(
        description="null when the model has no attribution head (nothing was looked for)"
    )


class TechniqueOut(Closed):
    name: str
    title: str
    definition: str
    example: str
    color: str = Field(pattern=r"^#[0-9a-f]{6}$")


class HealthOut(Closed):
    status: Literal["ok"]
    model: str
    version: str
    default_threshold: float = Field(ge=0, le=1)


class FiltersOut(Closed):
    """The filters applied, the model filled in (the latest stored when none was asked)."""

    model: str | None
    sources: list[str]
    from_: str | None = Field(alias="from")
    to: str | None
    techniques: list[str]


class ListedArticle(Closed):
    key: str
    title: str | None
    url: str | None
    source: str
    published: str | None
    score: float
    coverage: float
    n_spans: int = Field(ge=0)
    snippet: str
    techniques: dict[str, int]
    href: str
    api: str


class CorpusOut(Closed):
    """One page of the stored articles matching the filters, highest score first."""

    filters: FiltersOut
    query: str
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    pages: int = Field(ge=1)
    articles: list[ListedArticle]
    prev: str | None
    next: str | None


class StoredArticleOut(Closed):
    """A stored article and its analysis (without the attributions' offsets)."""

    key: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    created_at: str
    run_id: int | None
    analysis: AnalysisOut


class OverviewOut(Closed):
    """How much the store holds, and how much of it the filters keep."""

    articles: int = Field(ge=0)
    analyses: int = Field(ge=0)
    spans: int = Field(ge=0)
    sources: int = Field(ge=0)
    first_published: str | None
    last_published: str | None
    models: list[str]
    runs: int = Field(ge=0)


class Counted(Closed):
    """What every row of a report section counts."""

    spans: int = Field(ge=0)
    articles: int = Field(ge=0)


class TechniqueRow(Counted):
    technique: str
    chars: int = Field(ge=0)
    share: float = Field(ge=0, le=1)


class SourceRow(Counted):
    source: str
    technique: str
    share: float = Field(ge=0, le=1)


class MonthRow(Counted):
    month: str
    technique: str
    share: float = Field(ge=0, le=1)


class CoverageRow(Counted):
    source: str
    mean_score: float
    coverage: float


class TopArticleRow(Closed):
    key: str
    title: str | None
    source: str
    published: str | None
    score: float
    coverage: float
    n_spans: int = Field(ge=0)


class VoiceSourceRow(Counted):
    source: str
    voice: Literal["author", "attributed", "unknown"]
    chars: int = Field(ge=0)
    share: float = Field(ge=0, le=1)


class VoiceMonthRow(Counted):
    month: str
    voice: Literal["author", "attributed", "unknown"]
    chars: int = Field(ge=0)
    share: float = Field(ge=0, le=1)


class SpeakerRow(Counted):
    speaker: str
    chars: int = Field(ge=0)
    techniques: dict[str, int]


class TargetRow(Counted):
    source: str
    rank: int = Field(ge=1)
    target: str
    chars: int = Field(ge=0)
    techniques: dict[str, int]


class DashboardOut(Closed):
    """The report of ``spinscope report`` for the filters."""

    filters: FiltersOut
    overview: OverviewOut
    techniques: list[TechniqueRow]
    by_source: list[SourceRow]
    by_month: list[MonthRow]
    coverage_by_source: list[CoverageRow]
    top_articles: list[TopArticleRow]
    voice_by_source: list[VoiceSourceRow]
    voice_by_month: list[VoiceMonthRow]
    speakers: list[SpeakerRow]
    targets: list[TargetRow]
