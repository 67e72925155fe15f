"""Who a text names: the mentions a fragment's target is chosen from (pure functions).

A mention (:func:`mentions`) is one of:

- a **name**: a run of capitalised words on one line ("Juan Guaido", "Pope Francis",
  "FBI"), less the words that open sentences or stand before names without naming
  anyone (:data:`OPENERS`: "The", "But", "Mr"), days and months, and a possessive
  ``'s``. A capitalised word that opens a sentence counts only when the text also writes
  it capitalised elsewhere ("Trump took ..."), or it starts a run of two; in a line
  written in title case (a headline) a word counts only when the text writes it
  capitalised outside headlines. Words in capitals are acronyms ("DOJ") unless their
  neighbours shout too ("TOTAL HOAX"). An adjective of origin before a noun ("Catholic
  history", "American body politic"), a run naming an event, a law, a book or God
  (:data:`THINGS`: "Cold War", "First Amendment") and a party tag ("D-Calif.") are no
  names, and a name ends at a possessive ("North Korea's | Kim Jong Un");
- a **group**: a noun of :data:`GROUPS` ("liberals", "media", "immigrants"), with a name
  or a modifier joined before it ("Muslim migrants", "mainstream media", "Trump
  administration"); a name before a noun of :data:`ROLES` makes one too ("Democrat
  mayor"). "people", "party" and "left" need the word before them;
- a **pronoun** that can stand for a person or a group (he, she, they and their other
  forms); :func:`~._targets.targets` resolves it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import NamedTuple

GROUPS = frozenset(
    "democrats republicans liberals leftists progressives conservatives socialists "
    "communists marxists globalists elite elites establishment media press journalists "
    "reporters pundits commentators critics officials authorities government administration "
    "regime police officers agents judges prosecutors politicians lawmakers legislators "
    "bureaucrats bishops priests clergy cardinals prelates church muslims christians jews "
    "immigrants migrants refugees illegals aliens foreigners terrorists jihadists jihadis "
    "extremists radicals islamists criminals thugs activists protesters students women "
    "feminists voters taxpayers citizens mullahs infidels nationalists supremacists left "
    "party people".split()
)
"""Nouns that name a group of people (or an organisation)."""
BARE = frozenset({"people", "party", "left"})
"""Group nouns too vague to count without a name or modifier before them."""
MODIFIERS = frozenset(
    "mainstream illegal western foreign radical leftist liberal corporate federal "
    "far-left hard-left fake".split()
)
"""Lowercase words that make a group noun after them a group ("mainstream media")."""
ROLES = frozenset(
    "president mayor senator governor leader leaders colleagues members bishop pope "
    "cardinal minister lawmaker lawmakers official".split()
)
"""Nouns for people that make a group with a name before them ("Democrat mayor")."""
PRONOUNS = frozenset("he him his himself she her hers herself they them their themselves".split())
OPENERS = frozenset(
    "The A An And But Or So Yet In On At For Of To From By With If When While As After "
    "Before Since Although Though Because This That These Those Then Also Meanwhile "
    "According Under Over Later Earlier Now Today Yesterday Still However Instead Last Next "
    "It Its He She They We You I His Her Their Our My Your What Why How Who Where Is Are "
    "Was Were Do Does Did Not No Yes Even Only Just Here There Thus Indeed Let Every All "
    "Some Many Most One Two Three Mr Mrs Ms Dr Sen Rep Gov St".split()
)
"""Capitalised words that open sentences (or stand before names) without naming anyone."""
NOT_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December Jan Feb Mar Apr Jun Jul Aug "
    "Sep Sept Oct Nov Dec".split()
)
THINGS = frozenset(
    "War Day Hunt Act Amendment Constitution Bible Gospel Quran Qur’an God Allah".split()
)
"""Last words of capitalised runs that name events, laws, books or God, not a target."""
LEXICON = GROUPS | MODIFIERS | PRONOUNS | ROLES
"""The lowercase words that may be part of a mention."""
ADJECTIVE_ENDINGS = ("ian", "can", "ic", "ese", "ish", "ern", "ean")
"""Endings of adjectives of origin ("Russian", "American", "Catholic", "Western")."""
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\.?")
_POSSESSIVE = re.compile(r"['’]s?$")
_POSSESSIVE_S = re.compile(r"['’]s$")
_LINE = re.compile(r"[^\n]+")
_PARTY = re.compile(r"[DRI]-[A-Z][\w.-]*")


@dataclass(frozen=True, order=True)
class Mention:
    """A stretch of the text that names someone.

    Attributes:
        start: Where it starts.
        end: One past its last character.
        kind: ``name``, ``group`` or ``pronoun``.
    """

    start: int
    end: int
    kind: str


class _Word(NamedTuple):
    start: int
    end: int
    kind: str
    """``name``, ``title`` (a name in a headline), ``group``, ``mod`` (a modifier),
    ``role`` (a noun of :data:`ROLES`) or ``pronoun``."""
    initial: bool
    """Whether it opens a sentence."""


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or a line, or a quote after one)."""
    j = start - 1
    while j >= 0 and text[j] in " \t\"“”‘’'([":
        j -= 1
    return j < 0 or text[j] in ".!?:;…\n\r"


def _kind(word: str, initial: bool, shouting: bool) -> str:
    """What a word can be in a mention (see :class:`_Word`)."""
    bare = word.rstrip(".")
    lower = bare.lower()
    if lower in PRONOUNS:
        return "pronoun"
    if len(word) == 2 and word[0].isupper() and word[1] == ".":
        return "name"  # an initial, or a letter of an acronym such as "F.B.I."
    if _PARTY.fullmatch(bare):
        return "-"  # a party and state after a lawmaker's name: "(D-Calif.)"
    if bare[:1].isupper():
        if bare in OPENERS or bare in NOT_NAMES or (bare.isupper() and len(bare) > 1 and shouting):
            return "group" if lower in GROUPS and not initial else "-"
        return "name"
    if lower in GROUPS:
        return "group"
    if lower in ROLES:
        return "role"
    return "mod" if lower in MODIFIERS else "-"


def _title_lines(text: str) -> list[int]:
    """Starts and ends of the lines written in title case ("Trump Slams Disgraceful
    Verdict"), flattened: a position lies in one when its ``bisect`` is odd."""
    edges = []
    for line in _LINE.finditer(text):
        long = [w for w in _WORD.findall(line.group()) if len(w) > 3]
        if len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.7 * len(long):
            edges += [line.start(), line.end()]
    return edges


def _words(text: str) -> list[_Word]:
    """The words of ``text`` that may be part of a mention, with their kinds (a sentence's
    full stop left out). Other words are left out: they only ever end a run, and the text
    between two words kept says whether they are joined."""
    found = []
    words = _WORD.findall(text)
    # A word in capitals is an acronym unless a neighbour shouts too ("TOTAL HOAX").
    shouts = [len(w) > 2 and w.isupper() for w in words]
    titles = _title_lines(text)
    for i, m in enumerate(_WORD.finditer(text)):
        word = words[i]
        if word[0].islower() and word.rstrip(".").lower() not in LEXICON:
            continue  # the common case: spare the checks below
        initial = word[0].isupper() and _opens_sentence(text, m.start())
        shouting = (i > 0 and shouts[i - 1]) or (i + 1 < len(words) and shouts[i + 1])
        kind = _kind(word, initial, shouting)
        if kind == "-":
            continue
        if kind == "name" and bisect.bisect(titles, m.start()) % 2:
            kind = "title"
        end = m.end() - 1 if word.endswith(".") and len(word) > 2 else m.end()
        found.append(_Word(m.start(), end, kind, initial))
    return found


def _joined(text: str, left: _Word, right: _Word) -> bool:
    """Whether two words stand next to each other in one mention."""
    gap = text[left.end : right.start]
    return gap in ("", ".") or (gap.isspace() and "\n" not in gap and len(gap) <= 2)


def _trim(text: str, start: int, end: int) -> int:
    """The end of a mention without a possessive ``'s`` (or a plural's ``'``)."""
    m = _POSSESSIVE.search(text, start, end)
    return m.start() if m is not None and m.start() > start else end


def _thing(text: str, last: _Word) -> bool:
    """Whether a capitalised run ending in word ``last`` names no one: an event, a law, a
    book ("Cold War", "First Amendment"), or an adjective of origin before a lowercase
    word ("Catholic history")."""
    word = text[last.start : last.end]
    adjective = word.endswith(ADJECTIVE_ENDINGS) and text[last.end : last.end + 2]
    return word in THINGS or bool(adjective and re.fullmatch(r" [a-z]", adjective))


def _confirmed(text: str, words: list[_Word], seen: set[str]) -> list[_Word]:
    """``words`` with each headline word kept as a name only if the text writes it
    capitalised outside headlines and sentence openings (``seen``)."""
    return [
        w._replace(kind="name") if w.kind == "title" else w
        for w in words
        if w.kind != "title" or text[w.start : w.end] in seen
    ]


def _run(text: str, words: list[_Word], i: int) -> int:
    """One past the last word of the run of ``words[i]``'s kind that starts at ``i``."""
    j = i + 1
    while j < len(words) and words[j].kind == words[i].kind:
        if not _joined(text, words[j - 1], words[j]) or _POSSESSIVE_S.search(
            text, words[j - 1].start, words[j - 1].end
        ):
            break  # nor does a name go on past a possessive: "North Korea's | Kim Jong Un"
        j += 1
    return j


def _heads_group(text: str, words: list[_Word], i: int, j: int) -> bool:
    """Whether the word after the run ``words[i:j]`` is a noun that makes it a group."""
    if j >= len(words) or not _joined(text, words[j - 1], words[j]):
        return False
    noun = words[j]
    return noun.kind == "group" or (words[i].kind == "name" and noun.kind == "role")


def mentions(text: str) -> list[Mention]:
    """The mentions of ``text`` in order: names, groups and pronouns.

    Example:
        >>> t = "Yesterday Juan Guaido met the mainstream media. He said Trump's aides lied."
        >>> [(t[m.start:m.end], m.kind) for m in mentions(t)]  # doctest: +NORMALIZE_WHITESPACE
        [('Juan Guaido', 'name'), ('mainstream media', 'group'), ('He', 'pronoun'),
         ('Trump', 'name')]
    """
    words = _words(text)
    seen = {text[w.start : w.end] for w in words if w.kind == "name" and not w.initial}
    words = _confirmed(text, words, seen)
    found: list[Mention] = []
    i = 0
    while i < len(words):
        word = words[i]
        j = i + 1
        if word.kind == "pronoun":
            found.append(Mention(word.start, word.end, "pronoun"))
        elif word.kind in ("name", "mod"):
            j = _run(text, words, i)
            if _heads_group(text, words, i, j):
                found.append(Mention(word.start, _trim(text, word.start, words[j].end), "group"))
                j += 1
            elif word.kind == "name" and not _thing(text, words[j - 1]):
                end = _trim(text, word.start, words[j - 1].end)
                if j - i > 1 or not word.initial or text[word.start : word.end] in seen:
                    found.append(Mention(word.start, end, "name"))
        elif word.kind == "group" and text[word.start : word.end].lower() not in BARE:
            found.append(Mention(word.start, _trim(text, word.start, word.end), "group"))
        i = j
    return found
