"""Why a fragment was flagged: the most similar fragments that annotators marked.

A model directory may hold an evidence index (``evidence.npz``, written at training time
by :mod:`spinscope.train._evidence`): for every technique span the corpus annotators
marked, its text, its technique and the tagger's mean token state over it, the same
vector the technique heads pool at run time. A found fragment's evidence is then:

- its nearest annotated fragments of the same technique by cosine similarity of the
  span's mean and max token states (:func:`span_vectors`; distinct
  texts; the reader sees "like: ..." and can judge the resemblance);
- the article-level cue the model reads besides the window: how often the fragment's
  words recur in the article (a strong Repetition signal).

The index is small (int8 vectors, a few MB) and the lookup is one matrix product per
technique, so evidence costs little next to the encoder.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .._errors import ModelError
from ._features import COUNT_RADIUS, N_FEATURES

EVIDENCE_FILE = "evidence.npz"
SHOWN = 3
"""Annotated fragments shown per span."""


@dataclass(frozen=True)
class Example:
    """An annotated training fragment that resembles a found one.

    Attributes:
        text: The fragment as the annotated article writes it (cut at 200 characters).
        technique: The technique the annotators gave it.
        similarity: Cosine similarity of the two fragments' token-state vectors.
    """

    text: str
    technique: str
    similarity: float

    def to_dict(self) -> dict[str, str | float]:
        """JSON form.

        Example:
            >>> Example("traitors", "Name_Calling,Labeling", 0.91234).to_dict()["similarity"]
            0.912
        """
        return {
            "text": self.text,
            "technique": self.technique,
            "similarity": round(self.similarity, 3),
        }


@dataclass(frozen=True)
class Evidence:
    """Why a span was flagged: similar annotated fragments and an article-level cue.

    Attributes:
        examples: The most similar annotated fragments of the span's technique, best first.
        recurs: How often the span's text occurs in the article (case-insensitive).
    """

    examples: tuple[Example, ...]
    recurs: int

    def to_dict(self) -> dict[str, object]:
        """JSON form.

        Example:
            >>> Evidence((), 2).to_dict()
            {'examples': [], 'recurs': 2}
        """
        return {"examples": [e.to_dict() for e in self.examples], "recurs": self.recurs}


def unit_rows(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Rows scaled to length 1 (zero rows stay zero).

    Example:
        >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)).tolist()
        [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    # In float64, so that rows of tiny values still come out with length 1; the norms by
    # einsum rather than np.linalg.norm, which builds the squares as a second array
    # (loading the shipped index took 0.16 s of the model's 0.33 s load).
    wide = np.asarray(x, dtype=np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", wide, wide))[:, None]
    out = np.divide(wide, norms, out=np.zeros_like(wide), where=norms > 0)
    return np.asarray(out, dtype=np.float32)


def _unit(vector: npt.NDArray[np.float16] | npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``vector`` in float32 scaled to length 1 (a zero vector stays zero)."""
    norm = float(np.linalg.norm(vector))
    return np.asarray(vector, dtype=np.float32) / max(norm, 1e-12)


def _best_first(sims: npt.NDArray[np.float32], head: int) -> Iterator[int]:
    """Indices of ``sims`` from the largest: the top ``head`` by a partial sort, then the
    rest, so that skipping repeated texts rarely needs a full sort."""
    if len(sims) <= head:
        yield from (int(i) for i in np.argsort(-sims))
        return
    top = np.argpartition(-sims, head)[:head]
    yield from (int(i) for i in top[np.argsort(-sims[top])])
    rest = np.setdiff1d(np.argsort(-sims), top, assume_unique=True)
    yield from (int(i) for i in rest[np.argsort(-sims[rest])])


@dataclass(frozen=True)
class EvidenceIndex:
    """Annotated fragments by technique: unit vectors, texts.

    Example:
        >>> v = np.array([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6]], dtype=np.float32)
        >>> index = EvidenceIndex.of(v, ["A", "A", "B"], ["liar", "crook", "thug"])
        >>> [(e.text, round(e.similarity, 2)) for e in index.nearest(np.array([1.0, 0.2]), "A")]
        [('liar', 0.98), ('crook', 0.2)]
    """

    vectors: dict[str, npt.NDArray[np.float32]]
    texts: dict[str, list[str]]

    @classmethod
    def of(
        cls, vectors: npt.NDArray[np.float32], techniques: list[str], texts: list[str]
    ) -> EvidenceIndex:
        """An index of the fragments ``texts`` with their ``techniques`` and vectors."""
        unit = unit_rows(np.asarray(vectors, dtype=np.float32))
        names = sorted(set(techniques))
        rows = {t: [i for i, u in enumerate(techniques) if u == t] for t in names}
        return cls(
            {t: unit[r] for t, r in rows.items()},
            {t: [texts[i] for i in r] for t, r in rows.items()},
        )

    def nearest(
        self,
        vector: npt.NDArray[np.float16] | npt.NDArray[np.float32],
        technique: str,
        k: int = SHOWN,
    ) -> tuple[Example, ...]:
        """The ``k`` most similar fragments of ``technique`` with distinct texts."""
        return self.nearest_each([(vector, technique)], k)[0]

    def nearest_each(
        self,
        queries: Sequence[tuple[npt.NDArray[np.float16] | npt.NDArray[np.float32], str]],
        k: int = SHOWN,
    ) -> list[tuple[Example, ...]]:
        """:meth:`nearest` for each ``(vector, technique)`` query, in their order.

        The queries of one technique share one pass over its fragments (an article's
        spans are mostly of a few techniques), each similarity summed as :meth:`nearest`
        alone sums it, so the answers are the same to the bit.

        Example:
            >>> v = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
            >>> index = EvidenceIndex.of(v, ["A", "A"], ["liar", "crook"])
            >>> [[e.text for e in found][:1] for found in index.nearest_each(
            ...     [(v[1], "A"), (v[0], "A"), (v[0], "B")])]
            [['crook'], ['liar'], []]
        """
        found: list[tuple[Example, ...]] = [()] * len(queries)
        asked: dict[str, list[int]] = {}
        for q, (_, technique) in enumerate(queries):
            if technique in self.vectors:
                asked.setdefault(technique, []).append(q)
        for technique, rows in asked.items():
            units = np.stack([_unit(queries[q][0]) for q in rows])
            # einsum's own loop, not BLAS: a product this small gains nothing from BLAS
            # threads, whose wake-ups beside the encoder's threads cost up to 80 ms; with
            # the fragments as the outer index each is read once for all the queries.
            sims = np.einsum("ij,kj->ik", self.vectors[technique], units)
            for col, q in enumerate(rows):
                found[q] = self._distinct(sims[:, col], technique, k)
        return found

    def _distinct(
        self, sims: npt.NDArray[np.float32], technique: str, k: int
    ) -> tuple[Example, ...]:
        """The ``k`` fragments of ``technique`` with the largest ``sims``, distinct texts."""
        found: list[Example] = []
        seen: set[str] = set()
        for i in _best_first(sims, 8 * k):
            text = self.texts[technique][i]
            if text.lower() not in seen:
                seen.add(text.lower())
                found.append(Example(text, technique, float(sims[i])))
                if len(found) == k:
                    break
        return tuple(found)

    def save(self, folder: Path) -> None:
        """Write ``evidence.npz`` into ``folder``: int8 vectors, texts as UTF-8."""
        names = sorted(self.vectors)
        vectors = np.concatenate([self.vectors[t] for t in names])
        texts = [x for t in names for x in self.texts[t]]
        blob = "\x00".join(texts).encode("utf-8")
        np.savez_compressed(
            folder / EVIDENCE_FILE,
            vectors=np.round(vectors * 127).astype(np.int8),
            technique=np.concatenate(
                [np.full(len(self.texts[t]), k) for k, t in enumerate(names)]
            ).astype(np.int16),
            names=np.frombuffer("\x00".join(names).encode("utf-8"), dtype=np.uint8),
            texts=np.frombuffer(blob, dtype=np.uint8),
        )

    @classmethod
    def load(cls, folder: Path) -> EvidenceIndex | None:
        """The index of a model directory (``None`` when it has none).

        Raises:
            ModelError: when the file is there but unreadable.
        """
        path = folder / EVIDENCE_FILE
        if not path.is_file():
            return None
        try:
            with np.load(path) as data:
                names = bytes(data["names"]).decode("utf-8").split("\x00")
                texts = bytes(data["texts"]).decode("utf-8").split("\x00")
                vectors = data["vectors"].astype(np.float32) / 127.0
                techniques = [names[k] for k in data["technique"].tolist()]
        except (OSError, KeyError, ValueError, IndexError) as exc:
            raise ModelError(f"{path}: unreadable evidence index ({exc})") from None
        if not len(texts) == len(techniques) == len(vectors):
            raise ModelError(f"{path}: evidence index rows disagree")
        return cls.of(vectors, techniques, texts)


def span_vectors(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The evidence vectors of head input rows: the span's mean and max token states.

    Head rows are ``[mean, max, context]`` token states, then :data:`N_FEATURES` span
    features. Mean and max find annotated fragments of the found one's technique more
    often than the mean alone (0.60 against 0.56 top-1 agreement on a held-out fold).

    Example:
        >>> span_vectors(np.arange(3 * 2 + N_FEATURES, dtype=np.float32)[None]).tolist()
        [[0.0, 1.0, 2.0, 3.0]]
    """
    hidden = (x.shape[1] - N_FEATURES) // 3
    return np.asarray(x[:, : 2 * hidden], dtype=np.float32)


def recurrences(lower_text: str, fragment: str, near: int = 0) -> int:
    """How often ``fragment`` occurs in the lower-cased article (at least once: itself);
    in very long texts only within ``COUNT_RADIUS`` characters of ``near``, as the span
    features count (counting over megabytes for every span made long texts quadratic).

    Example:
        >>> recurrences("jobs, jobs, jobs!", "Jobs")
        3
    """
    words = " ".join(fragment.lower().split())
    if not words:
        return 1
    if len(lower_text) <= 2 * COUNT_RADIUS:
        return max(1, lower_text.count(words))
    lo = max(0, near - COUNT_RADIUS)
    return max(1, lower_text.count(words, lo, near + COUNT_RADIUS))
