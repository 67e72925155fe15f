"""Reading PolNeAR: brat standoff annotations of attributions, and the articles they mark.

PolNeAR (Newell, Margolin and Ruths, LREC 2018) annotates every attribution of 1,008 US
political news articles: who (source) says (cue) what (content). Each annotator's brat
file has text-bound lines (``T3<TAB>Content 115 290<TAB>that ...``; a discontinuous span
is written ``S E;S2 E2``) and one event line per attribution tying its roles together
(``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``; a role may be missing, and a
second content fragment list is written ``Content2:T9``). The corpus is read in place;
nothing of it is copied into the project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .._errors import FormatError, InputError
from .._pipeline import Attribution

Fragments = tuple[tuple[int, int], ...]

# Role names in event lines, digits stripped ("Content2" is more of the content).
_ROLE_FIELDS = {"Content": "content", "Cue": "cue", "Source": "source"}
_TEXT_BOUND = re.compile(r"T\d+\t\S+ \d+ \d+")
_EVENT = re.compile(r"E\d+\t")
# ASCII digits only (``\d`` takes any script's), at most 18: int() refuses over 4,300.
_FRAGMENTS = re.compile(r"[0-9]{1,18} [0-9]{1,18}(?:;[0-9]{1,18} [0-9]{1,18})*")


@dataclass(frozen=True)
class Document:
    """One article with one annotator's attributions.

    Attributes:
        name: The article's file name without ``.txt``.
        text: The article, as in its text file.
        annotator: The annotator whose file the attributions come from.
        attributions: The attributions, in the order of their event lines.
    """

    name: str
    text: str
    annotator: str
    attributions: tuple[Attribution, ...]


def parse_fragments(field: str) -> Fragments:
    """The character ranges of a brat offset field, ``S E`` or ``S E;S2 E2``.

    Raises:
        FormatError: for a field of another shape, or a range that does not end after
            it starts.

    Example:
        >>> parse_fragments("107 114")
        ((107, 114),)
        >>> parse_fragments("2103 2168;2170 2425")
        ((2103, 2168), (2170, 2425))
    """
    if not _FRAGMENTS.fullmatch(field):
        raise FormatError(f"offsets {field[:40]!r} are not 'S E' or 'S E;S2 E2'")
    found = tuple((int(s), int(e)) for s, e in (part.split(" ") for part in field.split(";")))
    for start, end in found:
        if start >= end:
            raise FormatError(f"offsets {start} {end}: the end must come after the start")
    return found


def _text_bound(lines: list[str]) -> dict[str, Fragments]:
    spans: dict[str, Fragments] = {}
    for n, line in enumerate(lines, 1):
        # A span's text may hold line breaks, so its tail lines start with anything.
        if not _TEXT_BOUND.match(line):
            continue
        ident, body = line.split("\t")[:2]
        _, _, offsets = body.partition(" ")
        try:
            spans[ident] = parse_fragments(offsets)
        except FormatError as exc:
            raise FormatError(f"line {n}: {exc}") from None
    return spans


def parse_ann(ann: str) -> list[Attribution]:
    """The attributions of one brat file's text: one per event line, roles resolved.

    Text-bound spans that no event line names (``Discard``, ``Discuss``) are not
    attributions and are left out; fragments of a role are kept sorted.

    Raises:
        FormatError: naming the line, for a text-bound line whose offsets are malformed.

    Example:
        >>> ann = "\\n".join([
        ...     "T1\\tSource 0 2\\the", "T2\\tCue 3 7\\tsaid", "T3\\tContent 8 12;14 16\\tx",
        ...     "T4\\tAttribution 3 7\\tsaid",
        ...     "E1\\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        ...     "E2\\tAttribution-no-source:T4 Cue:T2"])
        >>> parse_ann(ann)[0]
        Attribution(content=((8, 12), (14, 16)), cue=((3, 7),), source=((0, 2),))
        >>> parse_ann(ann)[1].source
        ()
    """
    lines = ann.splitlines()
    spans = _text_bound(lines)
    found = []
    for line in lines:
        if not _EVENT.match(line):
            continue
        roles: dict[str, list[tuple[int, int]]] = {"content": [], "cue": [], "source": []}
        for arg in line.split("\t")[1].split():
            role, _, ident = arg.partition(":")
            field = _ROLE_FIELDS.get(re.sub(r"\d+$", "", role))
            if field is not None and ident in spans:
                roles[field].extend(spans[ident])
        found.append(
            Attribution(
                content=tuple(sorted(roles["content"])),
                cue=tuple(sorted(roles["cue"])),
                source=tuple(sorted(roles["source"])),
            )
        )
    return found


def annotation_files(folder: Path, name: str) -> list[Path]:
    """The annotators' files of article ``name`` in ``folder``, sorted by file name.

    Example:
        >>> annotation_files(Path("/nonexistent"), "a")
        []
    """
    return sorted(p for p in folder.glob(f"{name}_*.ann") if p.stem.rsplit("_", 1)[0] == name)


def read_split(root: Path, split: str, limit: int | None = None) -> list[Document]:
    """The articles of ``root/split`` (``train`` or ``dev``), each with its first annotator.

    Several annotators marked some articles; the first file by name is taken, for training
    and scoring alike. Articles without an annotation file are skipped.

    Example:
        >>> read_split(Path("/nonexistent"), "dev")
        []
    """
    docs = []
    for path in sorted((root / split / "text").glob("*.txt")):
        files = annotation_files(root / split / "attributions", path.stem)
        if not files:
            continue
        ann = files[0]
        text = _read(path)
        try:
            attributions = tuple(parse_ann(_read(ann)))
        except FormatError as exc:
            raise FormatError(f"{ann}: {exc}") from None
        _check_within(attributions, len(text), ann)
        docs.append(Document(path.stem, text, ann.stem.rsplit("_", 1)[1], attributions))
        if limit is not None and len(docs) >= limit:
            break
    return docs


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _check_within(attributions: tuple[Attribution, ...], length: int, ann: Path) -> None:
    """Refuse an annotation whose offsets run past its text: it belongs to another text."""
    for a in attributions:
        for start, end in (*a.content, *a.cue, *a.source):
            if end > length:
                raise FormatError(
                    f"{ann}: span {start}-{end} is not within its text ({length} characters)"
                )
