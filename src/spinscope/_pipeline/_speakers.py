"""Who an attribution's source is, by name: a few plain rules over the text (pure functions).

The head marks a source as the article writes it ("he", "Maduro", "the ministry"). A
reader wants a name, so :func:`speakers` resolves each source, in text order:

- a **pronoun** (he, she, they, it and their other forms, :data:`PRONOUNS`) becomes the
  nearest thing before it that names someone: an earlier source (as resolved) or a
  capitalised multi-word name (:func:`names`). Names inside the attribution's own content
  are skipped, so ``"We fear Ivan Duque," he said`` does not make Duque the speaker; and
  "he" or "she" skips names of organisations and places (:func:`organisation`), so in
  "an interview on Fox News where he stated" he is not Fox News;
- a **partial name** (one capitalised word, "Maduro") becomes the nearest earlier
  multi-word name holding that word ("Nicolas Maduro"), among the names and the sources
  resolved so far;
- only mentions at most :data:`LOOK_BACK` characters back count;
- anything else, or a pronoun or partial name with nothing to resolve to, stays **as
  written**, with its whitespace collapsed and a possessive ``'s`` dropped. A leading
  "the" or "a" is kept: "said by the ministry" reads better than "said by ministry".

First-person pronouns (I, we) are left as written: in news they are mostly the author's or
the speaker's own voice inside a quote, and guessing wrong would name the wrong person.

A capitalised multi-word name is a run of two or more capitalised words on one line
separated only by spaces ("Nicolas Maduro", "George W. Bush"), less sentence-opening
words such as "The" or "But" (:data:`OPENERS`); words written in capitals throughout
("YET ANOTHER", "US") are not name words, as headlines shout. Title-case headlines give
false names; they only matter when nothing nearer names the speaker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Range = tuple[int, int]

PRONOUNS = frozenset(
    "he him his she her hers they them their theirs it its himself herself themselves".split()
)
OPENERS = frozenset(
    "The A An And But Or So Yet In On At For Of To From By With If When While As After "
    "Before Since Although Though Because This That These Those Then Also Meanwhile "
    "According Under Over Later Earlier Now Today Yesterday Still However Instead Last Next "
    "Asked Speaking".split()
)
PERSONAL = frozenset("he him his she her hers himself herself".split())
"""Pronouns that stand for a person, never for an organisation or a place."""
ORGANISATION_WORDS = frozenset(
    "News Post Times Journal Herald Tribune Guardian Telegraph Gazette Press Review Magazine "
    "Network Radio Television TV Channel Agency Party Government Ministry Department Office "
    "Council Committee Commission Congress Senate Parliament Assembly Court Army Forces "
    "Police Bank Company Corporation Group Institute Centre Center Research University "
    "College School Foundation Association Union Unions Federation League Alliance "
    "Coalition Movement Front Board Authority Administration House Service Services "
    "States Republic Kingdom Nations Organisation Organization Church Club Fund".split()
)
"""Words that end the names of organisations and places ("Fox News", "United States")."""
LOOK_BACK = 50_000
"""Characters a source looks back for a name (bounds the work on very long texts)."""
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Mention:
    """Something that names someone at a place in the text.

    Attributes:
        start: Where it starts.
        name: The name, as it will be shown.
    """

    start: int
    name: str


def as_written(text: str) -> str:
    """A source's text as shown: whitespace collapsed, a possessive ``'s`` dropped.

    Example:
        >>> as_written("  Maduro’s\\n government ")
        'Maduro’s government'
        >>> as_written("Maduro's")
        'Maduro'
    """
    return _POSSESSIVE.sub("", " ".join(text.split()))


def _name_word(word: str) -> bool:
    return word[0].isupper() and not (len(word) > 1 and word.isupper())


def _joins(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    """Whether two words are next to each other within one name."""
    gap = text[left.end() : right.start()]
    if len(left.group()) == 1 and gap.startswith("."):
        gap = gap[1:]  # an initial: "George W. Bush"
    return bool(gap) and gap.isspace() and "\n" not in gap and "\r" not in gap


def names(text: str) -> list[Mention]:
    """The capitalised multi-word names of ``text``, in order.

    Example:
        >>> [(m.start, m.name) for m in names("The minister Jorge Rodriguez met Maduro.")]
        [(13, 'Jorge Rodriguez')]
        >>> [m.name for m in names("But George W. Bush’s aide. YET ANOTHER Day")]
        ['George W. Bush']
    """
    found: list[Mention] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and run[0].group() in OPENERS:
            run.pop(0)
        if len(run) >= 2:
            words = [_POSSESSIVE.sub("", m.group()) for m in run]
            words = [w + "." if len(w) == 1 else w for w in words]
            found.append(Mention(run[0].start(), " ".join(words)))
        run.clear()

    for match in _WORD.finditer(text):
        if not _name_word(match.group()):
            if run:  # most words end no run: spare the call
                close()
            continue
        if run and not _joins(text, run[-1], match):
            close()
        run.append(match)
    close()
    return found


def organisation(name: str) -> bool:
    """Whether a name reads as an organisation or a place (its last word says so).

    Example:
        >>> organisation("Fox News"), organisation("John Bolton"), organisation("Policy Research")
        (True, False, True)
    """
    words = name.split()
    return bool(words) and words[-1] in ORGANISATION_WORDS


def _inside(pos: int, ranges: Sequence[Range]) -> bool:
    return any(a <= pos < b for a, b in ranges)


def _looking_back(
    earlier: Sequence[Mention], start: int, content: Sequence[Range]
) -> Iterator[Mention]:
    """The mentions before ``start``, nearest first, within :data:`LOOK_BACK` characters."""
    i = bisect.bisect_left(earlier, start, key=lambda m: m.start)
    for k in range(i - 1, -1, -1):  # nearest first, without copying the list
        mention = earlier[k]
        if mention.start < start - LOOK_BACK:
            return
        if not _inside(mention.start, content):
            yield mention


def resolve(
    written: str, start: int, earlier: Sequence[Mention], content: Sequence[Range] = ()
) -> str:
    """The speaker a source written ``written`` at ``start`` names, given the mentions
    (names and resolved sources) of the text sorted by start.

    Example:
        >>> said = [Mention(0, "Nicolas Maduro"), Mention(40, "Jorge Rodriguez")]
        >>> resolve("he", 60, said), resolve("Maduro", 60, said), resolve("police", 60, said)
        ('Jorge Rodriguez', 'Nicolas Maduro', 'police')
        >>> resolve("he", 60, said, content=[(30, 59)])  # the name is inside the quote
        'Nicolas Maduro'
        >>> resolve("he", 90, [*said, Mention(70, "Fox News")])  # a person, not a channel
        'Jorge Rodriguez'
    """
    if written.lower() in PRONOUNS:
        person = written.lower() in PERSONAL
        return next(
            (
                m.name
                for m in _looking_back(earlier, start, content)
                if not (person and organisation(m.name))
            ),
            written,
        )
    if " " not in written and _WORD.fullmatch(written) and _name_word(written):
        for mention in _looking_back(earlier, start, content):
            if " " in mention.name and written in mention.name.split():
                return mention.name
    return written


def speakers(
    text: str, sources: Sequence[Range | None], contents: Sequence[Sequence[Range]] = ()
) -> list[str | None]:
    """The resolved speaker of each source of ``text`` (``None`` for no source), with
    each attribution's content ranges (``contents``, parallel to ``sources``) skipped
    when looking back.

    Sources are resolved in text order, so a pronoun can resolve to an earlier source that
    was itself resolved.

    Example:
        >>> text = "Nicolas Maduro spoke. Maduro said no. Then he said yes."
        >>> speakers(text, [(22, 28), None, (43, 45)])
        ['Nicolas Maduro', None, 'Nicolas Maduro']
    """
    found: list[str | None] = [None] * len(sources)
    order = sorted((s[0], i) for i, s in enumerate(sources) if s is not None)
    if not order:
        return found  # no source to resolve: spare the scan of the article for names
    mentions = names(text)
    for start, i in order:
        source = sources[i]
        assert source is not None
        own = contents[i] if i < len(contents) else ()
        name = resolve(as_written(text[source[0] : source[1]]), start, mentions, own)
        found[i] = name
        if name.lower() not in PRONOUNS:
            bisect.insort(mentions, Mention(start, name), key=lambda m: m.start)
    return found
