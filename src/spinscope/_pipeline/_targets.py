"""Whom a technique aims at: the person, group or organisation a fragment attacks, praises
or frightens about, found by plain rules over the text (pure functions).

Only techniques aimed at someone (:data:`AIMED`) get a target, chosen among the mentions
of the text (``_mentions``: names, groups, pronouns) by these rules, in order:

1. a mention **inside the fragment** ("Obama's groveling", "the corrupt DOJ"), the
   first one, unless it belongs to the charged words: in quotation marks ("calling
   Halimi “Satan”") or describing the word after it ("Muslim IT spy"); a pronoun counts
   only as the subject among its first words ("She offered no evidence");
2. a name **in apposition** right after the fragment ("the tyrant Ahab", "grand
   deal-maker Trump") or right before its noun phrase, after a comma or "as a" ("Juan
   Guaido, the US stooge", "the Nation of Islam, the loony ... organization");
3. else the **nearest mention** in the fragment's sentence or the one before, by
   characters between them (before the fragment on a tie), if it is at most
   :data:`MAX_GAP` characters away; else none;
4. a pronoun chosen so stands for the nearest name before it that fits it (a person for
   "he" and "she", a group or a plural name for "they"), whose offsets are the target's.

The rules were chosen on the ``dev`` part of ``tests/resources/targets.tsv`` (235 spans
of the training articles annotated by hand; the rule is ``targets.md`` beside it), and
measured once on its ``test`` part (``tests/pipeline/test_target_accuracy.py``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ._mentions import Mention, mentions
from ._speakers import Mention as Name
from ._speakers import as_written, resolve
from ._text import split_sentences

AIMED = frozenset(
    {
        "Name_Calling,Labeling",
        "Loaded_Language",
        "Doubt",
        "Appeal_to_fear-prejudice",
        "Flag-Waving",
        "Bandwagon,Reductio_ad_hitlerum",
        "Whataboutism,Straw_Men,Red_Herring",
    }
)
"""The techniques aimed at someone: the only ones given a target."""
MAX_GAP = 80
"""Characters at most between a fragment and its nearest mention (rule 3): beyond, the
mention is rarely whom the fragment aims at (on dev, 1 of 17 such was)."""
FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at for from by with as is are was were be been has "
    "have had do does did not no that which who whom this these those it its their his "
    "her our your my will would can could should may might must than then so if".split()
)
"""Words a name before them does not describe ("Democrats [for] you")."""
SUBJECTS = frozenset({"he", "she", "they"})
"""Pronouns that count inside a fragment, as its subject."""
LOOK_BACK = 30
"""Mentions a pronoun looks back for what it stands for."""
PLACES = frozenset(
    "News Post Times Journal Press Magazine Network Agency Party Government Ministry "
    "Department Office Council Committee Commission Congress Senate Parliament Court Army "
    "Police Bank Company Corporation Group Institute Center Centre University College "
    "Foundation Association Union Alliance Coalition Movement Board Authority "
    "Administration House Service States Republic Kingdom Nations Organization Church "
    "America Russia China Iran Israel Europe Florida Korea Amnesty Regime".split()
)
"""Last words of names of organisations and places, which "he" and "she" skip."""
_QUOTES = frozenset('"“”‘’')
_APPOSITION_AFTER = re.compile(r"""[\s"“”‘’',]{0,4}""")
_APPOSITION_BEFORE = re.compile(r""",?\s*(?:(?:as\s+)?(?:the|a|an)\s+)?["“‘]?""")
_ARTICLE = re.compile(r"(?:^|\W)((?:the|a|an) )$")
_NOUN_AFTER = re.compile(r" ([a-z][\w-]*)\b")


@dataclass(frozen=True)
class Target:
    """Whom a fragment aims at: a mention in the text.

    Attributes:
        start: Where the mention starts.
        end: One past its last character.
        text: The mention as written, ``text[start:end]``.
        name: Who it is, as shown: the mention with its whitespace collapsed and a
            possessive dropped, a lone surname completed to the nearest full name before
            it ("Guaido" -> "Juan Guaido", as speakers are); ``None`` for the mention as
            written.
    """

    start: int
    end: int
    text: str
    name: str | None = None

    @property
    def shown(self) -> str:
        """The name, or the mention with its whitespace collapsed.

        Example:
            >>> Target(0, 12, "Juan\\n Guaido").shown, Target(7, 13, "Guaido", "Juan Guaido").shown
            ('Juan Guaido', 'Juan Guaido')
        """
        return self.name if self.name is not None else " ".join(self.text.split())

    def to_dict(self) -> dict[str, int | str]:
        """JSON form.

        Example:
            >>> Target(0, 11, "Juan Guaido").to_dict()
            {'start': 0, 'end': 11, 'text': 'Juan Guaido', 'name': 'Juan Guaido'}
        """
        return {"start": self.start, "end": self.end, "text": self.text, "name": self.shown}


class Aimed(Protocol):
    """What a target is found for: a fragment's range and technique (a ``Span``)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def technique(self) -> str: ...


def _person(text: str, m: Mention) -> bool:
    """Whether a name may stand for a person: no acronym, organisation, place or
    adjective ("Russian")."""
    last = text[m.start : m.end].split()[-1]
    return not (last.isupper() or last in PLACES or last.endswith(("ian", "ese", "ish")))


def _many(text: str, m: Mention) -> bool:
    """Whether a mention may stand for several people: a group, or a plural name."""
    return m.kind == "group" or text[m.end - 1 : m.end] == "s" or text[m.start : m.end].isupper()


def _antecedent(text: str, found: Sequence[Mention], k: int) -> Mention | None:
    """What the pronoun ``found[k]`` stands for: the nearest mention before it that fits
    it, else the nearest name (``None`` when there is none)."""
    fits = _many if text[found[k].start : found[k].end].lower().startswith("th") else _person
    nearest = None
    for i in range(k - 1, max(-1, k - 1 - LOOK_BACK), -1):
        m = found[i]
        if m.kind != "pronoun" and fits(text, m):
            return m
        if nearest is None and m.kind == "name":
            nearest = m
    return nearest


def _named(text: str, found: Sequence[Mention], k: int) -> Mention | None:
    """The mention ``found[k]``, or what it stands for when it is a pronoun."""
    return _antecedent(text, found, k) if found[k].kind == "pronoun" else found[k]


def _label(text: str, m: Mention, span: tuple[int, int]) -> bool:
    """Whether mention ``m`` inside fragment ``span`` is no candidate: in quotation marks,
    or a name describing the noun after it ("Muslim IT spy", "the [Democrat] mayor"),
    both part of the charged words; or a pronoun other than a subject among its first
    words ("She lied" aims at whoever she is; "chop their heads off" rarely does at
    whoever they are)."""
    if m.kind == "pronoun":
        opening = len(text[span[0] : m.start].split()) <= 2
        return not opening or text[m.start : m.end].lower() not in SUBJECTS
    closing = text[m.end : m.end + 1] in _QUOTES and text[m.end + 1 : m.end + 2] != "s"
    if text[m.start - 1 : m.start] in _QUOTES or closing:
        return True
    noun = _NOUN_AFTER.match(text, m.end)
    if m.kind != "name" or noun is None or noun.group(1) in FUNCTION_WORDS:
        return False
    return noun.end() >= span[1]


def _phrase_start(text: str, found: Sequence[Mention], k: int, start: int) -> int:
    """Where the noun phrase of a fragment at ``start`` starts (``found[k]`` is the first
    mention from ``start`` on): back over the names that describe its first word ("the US
    stooge") and an article."""
    if text[start : start + 1].islower():
        while k > 0 and found[k - 1].kind == "name" and text[found[k - 1].end : start] == " ":
            k -= 1
            start = found[k].start
    before = text[max(0, start - 5) : start]
    article = _ARTICLE.search(before)
    return start if article is None else start - len(article.group(1))


def _apposed(
    text: str, found: Sequence[Mention], span: tuple[int, int], bounds: tuple[int, int, int]
) -> Mention | None:
    """A name in apposition to the fragment ``span``: right after it, or right before its
    noun phrase after a comma or "as a" (``bounds``: the indices of the first mention of
    the fragment's sentence, the first from its start on, and the first after its end)."""
    first, at, after = bounds
    if (
        after < len(found)
        and found[after].kind == "name"
        and _APPOSITION_AFTER.fullmatch(text, span[1], found[after].start)
    ):
        return found[after]
    phrase = _phrase_start(text, found, at, span[0])
    k = bisect.bisect_left(found, phrase, key=lambda m: m.start) - 1
    if (
        k >= first
        and found[k].kind == "name"
        and found[k].end <= phrase
        and _APPOSITION_BEFORE.fullmatch(text, found[k].end, phrase)
    ):
        return found[k]
    return None


def _nearest(
    text: str, found: Sequence[Mention], span: tuple[int, int], candidates: Sequence[int]
) -> Mention | None:
    """The candidate mention nearest to ``span`` (before it on a tie), or what it stands
    for, when at most :data:`MAX_GAP` characters away."""
    best, gap = None, MAX_GAP + 1
    for k in candidates:
        m = found[k]
        distance = span[0] - m.end if m.end <= span[0] else m.start - span[1]
        if distance < gap or (distance == gap and m.end <= span[0]):
            best, gap = k, distance
    return None if best is None else _named(text, found, best)


def _pick(
    text: str, found: Sequence[Mention], span: tuple[int, int], window: tuple[int, int, int]
) -> Mention | None:
    """The mention ``span`` aims at, given the start of the sentence before its own, the
    start of its own and the end of its last (``window``)."""
    start, end = span
    before, own, last = window
    lo = bisect.bisect_left(found, before, key=lambda m: m.start)
    first = bisect.bisect_left(found, own, key=lambda m: m.start)
    at = bisect.bisect_left(found, start, key=lambda m: m.start)
    hi = bisect.bisect_left(found, last, key=lambda m: m.start)
    inside = [k for k in range(at, hi) if found[k].end <= end]
    heads = [k for k in inside if not _label(text, found[k], span)]
    if heads:
        return _named(text, found, heads[0])
    after = at + len(inside)
    apposed = _apposed(text, found, span, (first, at, after))
    if apposed is not None:
        return apposed
    near = [k for k in range(lo, hi) if found[k].end <= start or k >= after]
    return _nearest(text, found, span, [k for k in near if found[k].end <= last])


def _partial(text: str, m: Mention) -> bool:
    """Whether mention ``m`` is a lone name word, which may be a surname."""
    return m.kind == "name" and " " not in as_written(text[m.start : m.end])


def _target(text: str, m: Mention, full: Sequence[Name]) -> Target:
    """The target at mention ``m``, a lone name word completed from ``full`` (the names
    of several words among the mentions, by start) as speakers are."""
    written = as_written(text[m.start : m.end])
    name = resolve(written, m.start, full) if _partial(text, m) else written
    return Target(m.start, m.end, text[m.start : m.end], name)


def targets(text: str, spans: Sequence[Aimed]) -> list[Target | None]:
    """The target of each of ``spans`` in ``text``: ``None`` for a technique not aimed at
    anyone (:data:`AIMED`), or when no one is named near it.

    Example:
        >>> from spinscope._pipeline._analysis import Span
        >>> text = "Juan Guaido, the US stooge, failed. Guaido lied. Vote now."
        >>> stooge = Span(20, 26, "Name_Calling,Labeling", 0.9)
        >>> lied, vote = Span(43, 47, "Loaded_Language", 0.8), Span(49, 57, "Slogans", 0.8)
        >>> [None if t is None else (t.text, t.name) for t in targets(text, [stooge, lied, vote])]
        [('Juan Guaido', 'Juan Guaido'), ('Guaido', 'Juan Guaido'), None]
    """
    out: list[Target | None] = [None] * len(spans)
    aimed = [i for i, s in enumerate(spans) if s.technique in AIMED]
    if not aimed:
        return out  # spare the scan of the text
    found = mentions(text)
    sentences = split_sentences(text) or [(0, len(text))]
    ends = [b for _, b in sentences]
    picked: dict[int, Mention] = {}
    for i in aimed:
        span = spans[i]
        first = min(bisect.bisect_right(ends, span.start), len(sentences) - 1)
        last = min(max(first, bisect.bisect_left(ends, span.end)), len(sentences) - 1)
        window = (sentences[max(0, first - 1)][0], sentences[first][0], sentences[last][1])
        m = _pick(text, found, (span.start, span.end), window)
        if m is not None:
            picked[i] = m
    # The full names, to complete a lone surname with, only when one needs them.
    lone = any(_partial(text, m) for m in picked.values())
    full = [
        Name(m.start, as_written(text[m.start : m.end]))
        for m in found
        if lone and m.kind == "name" and not _partial(text, m)
    ]
    for i, m in picked.items():
        out[i] = _target(text, m, full)
    return out
