"""An ensemble's members: more taggers whose BIO probabilities are averaged with the model's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import WordLevel

from spinscope import Model, ModelConfig, ModelError
from spinscope._pipeline import B_TAG, I_TAG, O_TAG, Member, default_model_path, soft_tags

from ..fakes import LOADED, WORDS, FakeTagger, fake_model, fake_tokenizer

Array = npt.NDArray[Any]
TEXT = "They are traitors and liars, and this plan is a disgrace to our city."
AUTHORITY = 0


class QuietTagger:
    """Says O for every token, however sure the model's own tagger is."""

    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        ids = input_feed["input_ids"]
        probs = np.zeros((*ids.shape, 3), dtype=np.float32)
        probs[..., O_TAG] = 1.0
        return [probs, np.zeros((*ids.shape, 4), dtype=np.float32)]


def _chars_tokenizer() -> Tokenizer:
    """Every character a token: another tokenizer than the model's word-level one."""
    vocab = {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3}
    tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    return tok


class AuthorityHead:
    """A member's span head that calls every span an appeal to authority."""

    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        probs = np.zeros((len(input_feed["x"]), 14), dtype=np.float32)
        probs[:, AUTHORITY] = 1.0
        return [probs]


def _member(tagger: Any, tokenizer: Tokenizer | None = None, head: Any = None) -> Member:
    config = ModelConfig("member", window_size=8, window_overlap=2, cls_id=1, sep_id=2)
    return Member(tokenizer or fake_tokenizer(), config, tagger, head)


def test_a_member_that_agrees_changes_nothing() -> None:
    alone = fake_model().analyze(TEXT)
    both = fake_model(members=[_member(FakeTagger())]).analyze(TEXT)
    assert both.spans == alone.spans and both.passages == alone.passages


def test_a_member_that_disagrees_is_averaged_in() -> None:
    model = fake_model(members=[_member(QuietTagger())])
    own = fake_model().forward(TEXT).pieces[0].probs
    blended = model.forward(TEXT).pieces[0].probs
    expected = (own + np.eye(3, dtype=np.float32)[O_TAG]) / 2
    assert np.allclose(blended, expected)
    # The fake tagger's 0.8 B of a loaded word falls to 0.4 + 0.05: under the 0.5 threshold.
    assert model.analyze(TEXT).spans == ()
    assert fake_model().analyze(TEXT).spans != ()
    assert model.analyze(TEXT).spans == model.analyze(model.forward(TEXT)).spans


def test_a_member_with_another_tokenizer_is_read_off_by_characters() -> None:
    tagger = FakeTagger()  # ids of single characters are all under 100: it says O
    model = fake_model(members=[_member(tagger, _chars_tokenizer())])
    probs = model.forward(TEXT).pieces[0].probs
    assert tagger.calls > 0
    assert np.allclose(probs.sum(axis=1), 1.0)
    loaded = [
        i for i, w in enumerate(TEXT.replace(",", " ,").replace(".", " .").split()) if w in LOADED
    ]
    assert np.allclose(probs[loaded, B_TAG], (0.8 + 0.05) / 2)


def test_the_pipe_and_analyze_agree_with_members() -> None:
    model = fake_model(members=[_member(QuietTagger()), _member(FakeTagger())])
    texts = [TEXT, "the traitors", "shameful cronies of the mayor " * 5]
    assert [a.spans for a in model.pipe(texts)] == [model.analyze(t).spans for t in texts]


tokens = st.lists(st.integers(1, 4), min_size=1, max_size=30)


def _offsets(lengths: list[int]) -> npt.NDArray[np.int64]:
    ends = np.cumsum(lengths)
    return np.stack([ends - np.asarray(lengths), ends], axis=1).astype(np.int64)


@settings(max_examples=200, deadline=None)
@given(tokens, tokens, st.integers(0, 2**31 - 1))
def test_read_off_probabilities_stay_distributions(
    mine: list[int], other: list[int], seed: int
) -> None:
    ours, theirs = _offsets(mine), _offsets(other)
    probs = np.random.default_rng(seed).dirichlet(np.ones(3), size=len(theirs)).astype(np.float32)
    out = soft_tags([(int(a), int(b)) for a, b in ours], theirs, probs)
    assert out.shape == (len(ours), 3)
    assert np.allclose(out.sum(axis=1), 1.0, atol=1e-5)
    starts = set(theirs[:, 0].tolist())
    for (a, _), row in zip(ours.tolist(), out, strict=True):
        if a not in starts:  # inside another token's word: never a beginning
            assert row[B_TAG] == 0.0
        covered = a < int(theirs[-1, 1])
        assert covered or (row[O_TAG] == 1.0 and row[I_TAG] == 0.0)


def _shipped_copy(folder: Path, members: list[str]) -> Path:
    shutil.copytree(default_model_path(), folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["members"] = members
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def test_a_missing_member_is_a_clear_model_error(tmp_path: Path) -> None:
    folder = _shipped_copy(tmp_path / "m", ["second"])
    (folder / "second").mkdir()
    (folder / "second" / "config.json").write_text(ModelConfig("x").to_json(), encoding="utf-8")
    with pytest.raises(ModelError, match=r"second: not an ensemble member .*tokenizer\.json"):
        Model.load(folder)


def test_the_shipped_network_as_its_own_member_gives_its_analysis(tmp_path: Path) -> None:
    folder = _shipped_copy(tmp_path / "m", ["twin"])
    twin = folder / "twin"
    twin.mkdir()
    for name in ("config.json", "tokenizer.json", "tagger.onnx"):
        (twin / name).symlink_to(default_model_path() / name)
    text = " ".join(WORDS) + ". " + TEXT * 3
    alone, both = Model.load().analyze(text), Model.load(folder).analyze(text)
    assert both.spans == alone.spans and both.passages == alone.passages


def test_a_member_with_a_span_head_classifies_spans_too() -> None:
    spans = [(9, 17), (22, 27)]
    own = fake_model().technique_probs(TEXT, spans)
    model = fake_model(members=[_member(FakeTagger(), head=AuthorityHead())])
    both = model.technique_probs(TEXT, spans)
    assert np.allclose(both, (own + np.eye(14, dtype=np.float32)[AUTHORITY]) / 2)
    assert np.allclose(model.technique_probs(model.forward(TEXT), spans), both)
    found = model.analyze(TEXT)
    assert found.spans and {s.technique for s in found.spans} >= {"Appeal_to_Authority"}
    assert [a.spans for a in model.pipe([TEXT])] == [found.spans]


def test_a_member_with_another_tokenizer_classifies_spans_from_its_own_tokens() -> None:
    spans = [(9, 17)]
    own = fake_model().technique_probs(TEXT, spans)
    chars = _member(QuietTagger(), _chars_tokenizer(), AuthorityHead())
    both = fake_model(members=[chars]).technique_probs(TEXT, spans)
    assert np.allclose(both, (own + np.eye(14, dtype=np.float32)[AUTHORITY]) / 2)
