"""Loading a model directory into a :class:`Network`: config, tokenizer and the sessions.

A model directory holds ``config.json`` (:class:`ModelConfig`), ``tokenizer.json``,
``tagger.onnx`` (encoder + BIO head; outputs tag probabilities and token states),
``span_head.onnx`` (the one technique of a given span: softmax, for classification) and
``e2e_head.onnx`` (every technique used in or around a found span: independent
probabilities, for end-to-end analysis, where one span often carries several; without it,
a span's classification probabilities stand in). It may also hold the attribution head
(``attribution_head.onnx`` and ``attribution.json``, see ``_attrhead``): without it no
attributions are looked for; the evidence index (``evidence.npz``, see ``_evidence``); and
the technique stacker (``technique_stacker.npz``, see ``_stacker``): without it, given
spans are classified by the span head alone; and the span filter (``span_filter.npz``, see
``_span_filter``): without it, every decoded candidate is kept. The sub-directories its
config names as ``members`` hold more taggers, run beside this one (see ``_members``).
"""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tokenizers import Tokenizer

from .._errors import ModelError
from .._settings import Settings
from ._accurate import ACCURATE, accurate_model_path, assembled_path
from ._attrhead import CONFIG_FILE, HEAD_FILE, AttributionHead
from ._config import ModelConfig
from ._evidence import EVIDENCE_FILE, EvidenceIndex
from ._heads import Heads
from ._members import Member, load_members
from ._session import InferenceSession, open_session
from ._span_filter import FILTER_FILE, SpanFilter
from ._stacker import STACKER_FILE, TechniqueStacker
from ._tokens import prepare_tokenizer
from ._wheels import wheel_files

MODEL_FILES = ("config.json", "tokenizer.json", "tagger.onnx", "span_head.onnx")
OPTIONAL_FILES = (
    "e2e_head.onnx",
    HEAD_FILE,
    CONFIG_FILE,
    EVIDENCE_FILE,
    STACKER_FILE,
    FILTER_FILE,
)


@dataclass(frozen=True)
class Network:
    """Everything the pipeline's stages read: the loaded parts of a model directory.

    Example:
        >>> # net = load_network(default_model_path(), Settings()); net.config.window_size
    """

    tokenizer: Tokenizer
    config: ModelConfig
    tagger: InferenceSession
    heads: Heads
    settings: Settings
    pool: Executor | None = None
    """Threads that run the tagger, one run each (``None``: run on the caller's thread)."""
    attribution_head: AttributionHead | None = None
    """Finds who says what from the tagger's token states (``None``: the model has none)."""
    evidence: EvidenceIndex | None = None
    """Annotated fragments to show as evidence (``None``: the model has no index)."""
    stacker: TechniqueStacker | None = None
    """Weighs the span head's probabilities of given spans again with article features
    (``None``: classification takes the span head's own)."""
    span_filter: SpanFilter | None = None
    """Chooses which decoded candidates to keep (``None``: every one)."""
    members: tuple[Member, ...] = ()
    """More taggers whose BIO probabilities are averaged with this one's (an ensemble)."""


def default_model_path() -> Path:
    """The model shipped inside the package.

    Example:
        >>> default_model_path().name
        'model'
    """
    return Path(str(resources.files("spinscope") / "model"))


def model_folder(path: Path | None, settings: Settings) -> Path:
    """The directory to load: ``path``, else ``settings.model``, else the shipped model.
    The name ``accurate`` (when no such directory exists) is the opt-in accurate model,
    assembled on first use (see ``_accurate``).

    Raises:
        ModelError: for ``accurate`` when its pretrained weights are not installed.
        MissingExtraError: for ``accurate`` without the ``accurate`` extra.

    Example:
        >>> model_folder(Path("runs/v1"), Settings())
        PosixPath('runs/v1')
    """
    folder = _named(path, settings)
    if _is_accurate(folder):
        return accurate_model_path(settings, default_model_path())
    return folder if folder is not None else default_model_path()


def assembles_first(path: Path | None, settings: Settings) -> bool:
    """Whether loading ``path`` first assembles the accurate model (about 20 s), so that a
    command can say so before it waits.

    Example:
        >>> assembles_first(Path("runs/v1"), Settings())
        False
    """
    if not _is_accurate(_named(path, settings)):
        return False
    try:
        wheel_files()
        return not (assembled_path(settings) / "config.json").is_file()
    except ModelError:
        return False  # loading says why, at once


def _named(path: Path | None, settings: Settings) -> Path | None:
    return Path(path) if path is not None else settings.model


def _is_accurate(folder: Path | None) -> bool:
    # The name means the accurate model unless a directory of that name exists.
    return folder is not None and str(folder) == ACCURATE and not folder.exists()


def check_files(folder: Path, tagger_file: str = "tagger.onnx") -> None:
    """Raise :class:`ModelError` unless ``folder`` holds every file a model needs.

    Example:
        >>> check_files(Path("/nonexistent"))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        spinscope._errors.ModelError: /nonexistent: not a spinscope model directory (missing ...)
    """
    needed = [tagger_file if f == "tagger.onnx" else f for f in MODEL_FILES]
    missing = [f for f in needed if not (folder / f).is_file()]
    if missing:
        raise ModelError(
            f"{folder}: not a spinscope model directory (missing {', '.join(missing)})"
        )


def load_network(folder: Path, settings: Settings, tagger_file: str = "tagger.onnx") -> Network:
    """Read a model directory; ``tagger_file`` picks another tagger file of it (training
    compares fp32 and int8 this way).

    Raises:
        ModelError: when a file is missing or unreadable.

    Example:
        >>> # load_network(default_model_path(), Settings()).heads.e2e_head is not None
    """
    check_files(folder, tagger_file)
    config = ModelConfig.load(folder)
    try:
        tokenizer = prepare_tokenizer(Tokenizer.from_file(str(folder / "tokenizer.json")))
        tagger = open_session(folder / tagger_file)
        span_head = open_session(folder / "span_head.onnx")
        e2e = folder / "e2e_head.onnx"
        e2e_head = open_session(e2e) if e2e.is_file() else None
        attribution_head = AttributionHead.load(folder)
        evidence = EvidenceIndex.load(folder)
        stacker = TechniqueStacker.load(folder, len(config.techniques))
        span_filter = SpanFilter.load(folder)
    except Exception as exc:  # onnxruntime and tokenizers raise their own types
        raise ModelError(f"{folder}: cannot load the model ({exc})") from None
    # One single-threaded run per window on each of ``threads`` threads beats one run
    # spread over the threads: small matrix products scale badly across cores, and the
    # caller decodes one article while the pool encodes the next.
    pool = ThreadPoolExecutor(settings.threads, "spinscope") if settings.threads > 1 else None
    heads = Heads(span_head, e2e_head)
    members = load_members(folder, config.members)
    return Network(
        tokenizer,
        config,
        tagger,
        heads,
        settings,
        pool,
        attribution_head,
        evidence,
        stacker,
        span_filter,
        members,
    )
