"""``spinscope import --db``: corrected annotations from an annotation tool into the results
store, as human labels beside the model's spans.

Each article read back is matched to a stored article, the first rule that finds one:

1. the stored key the file names as the article's source (Label Studio's ``data.source``,
   doccano's ``source``, INCEpTION's ``documentTitle``: what ``spinscope export`` wrote);
2. the stored key equal to the article id;
3. the stored key ``sha256:<hex>`` of the article's text (``batch`` keys an input
   without an id so);
4. a stored key that answers to the article id (:func:`key_names`: the digits of
   ``article<ID>``, the file name without folders and extensions, or the id that the
   files ``export`` writes for the key into a brat or INCEpTION folder come back with).

The labels' offsets refer to the file's text, so a match must hold the same text. A stored
article found by key (rules 1 and 2) with another text is an error; one found by a
looser rule with another text is passed over, with a note. An article that matches no
stored one is stored under its article id, with the file's text and no analysis (brat
without the ``.txt`` beside the ``.ann`` has no text: such an article must be stored).
Then each article's human labels replace those stored for it before, so importing the
same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._errors import FormatError
from .._formats import Article, Imported, article_id_of, stem_of
from ._export import semeval_id

if TYPE_CHECKING:
    from .._store import Annotation, Saved, Store


def key_names(key: str) -> frozenset[str]:
    """The article ids a stored key answers to (rule 4 of the module's docstring).

    Example:
        >>> sorted(key_names("ptc/article111.txt"))
        ['111', 'ptc/article111.txt']
        >>> sorted(key_names("sha256:ab"))
        ['sha256:ab', 'sha256_ab']
    """
    sid = semeval_id(key)
    # What brat reads back as the id of the files export names after the key.
    exported = article_id_of(stem_of(key, sid) + ".ann")
    return frozenset({key, sid, article_id_of(key), exported})


@dataclass(frozen=True)
class StoreImport:
    """What :func:`import_to_store` did: what was stored, and notes for the user."""

    saved: Saved
    notes: list[str] = field(default_factory=list)


def _same_text(article: Article, stored: str) -> bool:
    from .._store import clean

    return article.text is None or clean(article.text) == stored


def _by_key(article: Article, texts: dict[str, str]) -> str | None:
    """The stored key of ``article`` by rules 1-3, or ``None``.

    Raises:
        FormatError: when a stored article of its source or id holds another text.
    """
    from .._store import content_key

    named = [k for k in (article.source, article.article_id) if k is not None and k in texts]
    if named:
        # The first rule that finds a stored article decides, as a key names one article.
        if not _same_text(article, texts[named[0]]):
            raise FormatError(
                f"{article.where}: article {article.article_id!r} is stored as {named[0]!r} "
                "with another text, so the labels' offsets would not fit it"
            )
        return named[0]
    hashed = content_key(article.text) if article.text is not None else None
    return hashed if hashed in texts else None


def _by_name(
    store: Store, articles: Sequence[Article], notes: list[str]
) -> dict[str, tuple[str, str]]:
    """Rule 4 for ``articles``: their stored key and text, by article id."""
    from .._store import iter_keys, stored_texts

    if not articles:
        return {}  # the keys are scanned only for articles that no key named
    wanted = {a.article_id for a in articles}
    candidates: dict[str, list[str]] = {}
    # One pass over the keys, however many articles: names cannot be looked up in SQL.
    for key in iter_keys(store):
        for name in key_names(key) & wanted:
            candidates.setdefault(name, []).append(key)
    texts = stored_texts(store, {k for keys in candidates.values() for k in keys})
    found: dict[str, tuple[str, str]] = {}
    for a in articles:
        keys = sorted(candidates.get(a.article_id, []))
        fits = [k for k in keys if _same_text(a, texts[k])]
        if a.text is None and len(fits) > 1:
            raise FormatError(
                f"{a.where}: article {a.article_id!r} could be any of the stored "
                f"{', '.join(map(repr, fits))}; give its text beside the labels"
            )
        if fits:
            found[a.article_id] = (fits[0], texts[fits[0]])
        elif keys:
            notes.append(f"{a.where}: stored {keys[0]!r} has another text; stored as a new article")
    return found


def _annotation(article: Article, key: str, text: str | None, tool: str) -> Annotation:
    """The :class:`Annotation` of ``article``, stored under ``key`` with ``text``."""
    from .._store import Annotation, ArticleRecord, HumanLabel

    if text is None:
        raise FormatError(
            f"{article.where}: article {article.article_id!r} is not in the store and the "
            "file has no text for it (brat: put its .txt beside the .ann)"
        )
    labels = dict.fromkeys(HumanLabel(x.start, x.end, x.technique or "") for x in article.labels)
    for h in labels:
        if h.end > len(text):
            raise FormatError(
                f"{article.where}: span {h.start}-{h.end} is not within the stored text "
                f"of {key!r} ({len(text)} characters)"
            )
    return Annotation(ArticleRecord(key, text), tuple(labels), tool, article.where)


def annotations_of(
    store: Store, articles: Sequence[Article], tool: str
) -> tuple[list[Annotation], list[str]]:
    """The :class:`Annotation` of each of ``articles``, matched to the stored articles as
    the module's docstring says, and notes for the user.

    Raises:
        FormatError: for an article whose stored namesake holds another text, an
            article without text that is not stored (or could be several), or labels
            beyond the stored text.

    Example:
        >>> from spinscope._store import Store
        >>> store = Store.open("sqlite://")
        >>> found, notes = annotations_of(store, [Article("7", "x", (), "a.ann")], "brat")
        >>> found[0].article.key, notes
        ('7', [])
    """
    from .._store import content_key, stored_texts

    notes: list[str] = []
    wanted: set[str] = set()
    for a in articles:
        wanted.update(k for k in (a.source, a.article_id) if k is not None)
        if a.text is not None:
            wanted.add(content_key(a.text))
    texts = stored_texts(store, wanted)
    keys = {a.article_id: _by_key(a, texts) for a in articles}
    loose = _by_name(store, [a for a in articles if keys[a.article_id] is None], notes)
    out = []
    for a in articles:
        key = keys[a.article_id]
        if key is not None:
            out.append(_annotation(a, key, texts[key], tool))
        elif a.article_id in loose:
            out.append(_annotation(a, *loose[a.article_id], tool))
        else:
            out.append(_annotation(a, a.article_id, a.text, tool))
    _one_each(out)
    return out, notes


def _one_each(items: Sequence[Annotation]) -> None:
    """Refuse two of ``items`` for one stored article: the second would replace the first.

    Raises:
        FormatError: naming both.
    """
    from .._store import clean

    seen: dict[str, str] = {}
    for item in items:
        key = clean(item.article.key)
        if key in seen:
            raise FormatError(
                f"{item.location}: labels the stored article {item.article.key!r}, "
                f"as does {seen[key]}"
            )
        seen[key] = item.location


def import_to_store(store: Store, imported: Imported, tool: str) -> StoreImport:
    """Store the articles of ``imported`` (read from the tool of format ``tool``) as human
    labels, each replacing the article's earlier ones, in one transaction.

    Raises:
        FormatError: see :func:`annotations_of` (nothing is stored then).
        StoreError: when the store refuses them.

    Example:
        >>> from spinscope._formats import Article
        >>> from spinscope._semeval import Label
        >>> from spinscope._store import Store
        >>> store = Store.open("sqlite://")
        >>> done = Imported([Article("7", "Lies!", (Label("7", 0, 4, "Doubt"),), "a.jsonl")])
        >>> import_to_store(store, done, "doccano").saved
        Saved(articles=1, labels=1, new_articles=1, replaced=0)
    """
    from .._store import save_annotations

    items, notes = annotations_of(store, imported.articles, tool)
    return StoreImport(save_annotations(store, items), notes)
