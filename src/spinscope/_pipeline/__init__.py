"""The analysis pipeline: text -> pieces -> windows -> encoder -> spans -> Analysis.

:class:`Model` runs it (``_model``); the stages are ``_loading`` (model directory ->
sessions, through ``_session``), ``_encoder`` (windows -> token states), ``_candidates``
and ``_heads`` (spans and their technique probabilities) and ``_choose`` (-> Analysis);
``_stream`` runs them over many articles at once; ``_members`` adds an ensemble's other
taggers, and ``_accurate`` assembles the opt-in accurate model from its shipped parts and
the pretrained weights of ``_wheels``.
The attribution head (``_attrhead``, decoded by ``_roles``) reads the same token
states; ``_speakers`` names each source and ``_voices`` marks each span ``author`` or
``attributed``; ``_targets`` finds whom each span aims at among the mentions of
``_mentions``. For notebooks, ``_notebook`` makes an analysis a pandas frame and holds the
renderers that upper layers register for ``_repr_html_``.
"""

from ._accurate import (
    ACCURATE,
    MEMBER_COPIES,
    PARTS_FILE,
    accurate_model_path,
    build_tagger,
    file_sha256,
    quantize_tagger,
)
from ._analysis import Analysis, Sentence, Span, Statement, Summary, build_analysis
from ._attrhead import CONFIG_FILE, HEAD_FILE, AttributionHead, owners, token_states
from ._candidates import candidate_spans
from ._choose import Candidate, calibrate, choose_techniques
from ._config import ModelConfig
from ._decode import B_TAG, I_TAG, O_TAG, chars_to_token_span, join_nearby, merge_overlapping
from ._evidence import EVIDENCE_FILE, Evidence, EvidenceIndex, Example, span_vectors, unit_rows
from ._features import N_FEATURES, ArticleIndex, span_features
from ._loading import MODEL_FILES, assembles_first, default_model_path, model_folder
from ._members import Member, soft_tags
from ._model import Model
from ._notebook import SPAN_COLUMNS, html_of, missing_pandas, register_html, spans_frame
from ._reading import Forward
from ._roles import (
    ROLES,
    TAGS,
    Attribution,
    Decoding,
    decode_attributions,
    decode_spans,
    group,
    quote_baseline,
    tag_tokens,
    words,
)
from ._session import InferenceSession, open_session
from ._span_filter import FILTER_FILE, N_FILTER_INPUTS, SpanFilter, filter_inputs
from ._speakers import PRONOUNS, Mention, names, resolve, speakers
from ._stacker import N_GIVEN, STACKER_FILE, TechniqueStacker, stacker_inputs
from ._targets import AIMED, MAX_GAP, Target, targets
from ._tokens import encode_article, pack_windows, prepare_tokenizer
from ._voices import attribute, statements
from ._wheels import Weights
from ._windows import plan_windows, span_window

__all__ = [
    "ACCURATE",
    "AIMED",
    "B_TAG",
    "CONFIG_FILE",
    "EVIDENCE_FILE",
    "FILTER_FILE",
    "HEAD_FILE",
    "I_TAG",
    "MAX_GAP",
    "MEMBER_COPIES",
    "MODEL_FILES",
    "N_FEATURES",
    "N_FILTER_INPUTS",
    "N_GIVEN",
    "O_TAG",
    "PARTS_FILE",
    "PRONOUNS",
    "ROLES",
    "SPAN_COLUMNS",
    "STACKER_FILE",
    "TAGS",
    "Analysis",
    "ArticleIndex",
    "Attribution",
    "AttributionHead",
    "Candidate",
    "Decoding",
    "Evidence",
    "EvidenceIndex",
    "Example",
    "Forward",
    "InferenceSession",
    "Member",
    "Mention",
    "Model",
    "ModelConfig",
    "Sentence",
    "Span",
    "SpanFilter",
    "Statement",
    "Summary",
    "Target",
    "TechniqueStacker",
    "Weights",
    "accurate_model_path",
    "assembles_first",
    "attribute",
    "build_analysis",
    "build_tagger",
    "calibrate",
    "candidate_spans",
    "chars_to_token_span",
    "choose_techniques",
    "decode_attributions",
    "decode_spans",
    "default_model_path",
    "encode_article",
    "file_sha256",
    "filter_inputs",
    "group",
    "html_of",
    "join_nearby",
    "merge_overlapping",
    "missing_pandas",
    "model_folder",
    "names",
    "open_session",
    "owners",
    "pack_windows",
    "plan_windows",
    "prepare_tokenizer",
    "quantize_tagger",
    "quote_baseline",
    "register_html",
    "resolve",
    "soft_tags",
    "span_features",
    "span_vectors",
    "span_window",
    "spans_frame",
    "speakers",
    "stacker_inputs",
    "statements",
    "tag_tokens",
    "targets",
    "token_states",
    "unit_rows",
    "words",
]
