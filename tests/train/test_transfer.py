"""Transfer texts: unlabelled windows that only the teacher's targets teach."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tokenizers import Tokenizer, models, pre_tokenizers

from spinscope import Corpus
from spinscope._errors import TrainingError
from spinscope._pipeline import encode_article, plan_windows
from spinscope.train._data import IGNORE, WindowExample
from spinscope.train._soft_targets import ArticleTargets, save_targets
from spinscope.train._transfer import load_transfer, read_texts, transfer_examples

torch = pytest.importorskip("torch", reason="needs the train extra")

WORDS = ["they", "are", "corrupt", "traitors", "!", "we", "win"]


def _tokenizer() -> Tokenizer:
    vocab = {"[UNK]": 0, **{w: i + 1 for i, w in enumerate(WORDS)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Whitespace(), pre_tokenizers.Punctuation()]
    )
    return tok


def _teacher(tok: Tokenizer, text: str, seed: int = 0) -> ArticleTargets:
    """The teacher's targets for ``text`` with the same tokens: random O/B/I rows."""
    enc = encode_article(tok, text)
    raw = np.random.default_rng(seed).random((len(enc), 3)).astype(np.float32) + 0.01
    probs = raw / raw.sum(axis=1, keepdims=True)
    return ArticleTargets(np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2), probs, {})


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60), st.integers(6, 20))
def test_transfer_windows_carry_the_teacher_rows_and_no_gold(words: list[str], size: int) -> None:
    tok = _tokenizer()
    text = " ".join(words)
    teacher = _teacher(tok, text)
    examples = transfer_examples(tok, {"a": text}, {"a": teacher}, size, 2)
    assert examples and all(not ex.labelled and not ex.spans for ex in examples)
    assert all(len(ex.ids) <= size - 2 for ex in examples)
    # the windows cover every token in order, each with the teacher's rows of its tokens
    enc = encode_article(tok, text)
    spans = plan_windows(len(enc), size - 2, 2)
    assert len(spans) == len(examples)
    seen: set[int] = set()
    for (a, b), ex in zip(spans, examples, strict=True):
        assert ex.soft is not None and ex.ids.tolist() == enc.ids[a:b].tolist()
        assert np.allclose(ex.soft, teacher.probs[a:b])
        seen.update(range(a, b))
    assert seen == set(range(len(enc)))


@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=60),
    st.integers(6, 20),
    # at most overlap + 1 tokens, so every span fits whole in a window (longer ones are
    # clipped to the window that holds most of them, as gold spans are)
    st.lists(st.tuples(st.integers(0, 59), st.integers(1, 3)), max_size=6),
)
def test_silver_spans_go_to_the_window_that_holds_them_with_the_teachers_target(
    words: list[str], size: int, picks: list[tuple[int, int]]
) -> None:
    tok = _tokenizer()
    text = " ".join(words)
    enc = encode_article(tok, text)
    spans: dict[tuple[int, int], np.ndarray] = {}
    for k, (first, n) in enumerate(picks):
        a, b = first % len(enc), min(len(enc), first % len(enc) + n)
        spans[(enc.offsets[a][0], enc.offsets[b - 1][1])] = np.eye(14, dtype=np.float32)[k]
    teacher = _teacher(tok, text)
    teacher = ArticleTargets(teacher.offsets, teacher.probs, spans)
    examples = transfer_examples(tok, {"a": text}, {"a": teacher}, size, 2)
    windows = plan_windows(len(enc), size - 2, 2)
    found = {}
    for (a, _b), ex in zip(windows, examples, strict=True):
        for sp in ex.spans:
            # window positions count the leading special token
            first_token, last_token = a + sp.start - 1, a + sp.end - 2
            assert 1 <= sp.start < sp.end <= len(ex.ids) + 1
            assert enc.offsets[first_token][0] == sp.chars[0]
            assert enc.offsets[last_token][1] == sp.chars[1]
            found[sp.chars] = sp.target
    assert found.keys() == spans.keys()
    assert all(np.array_equal(found[k], spans[k]) for k in spans)


def test_class_weights_count_the_gold_spans_only() -> None:
    from spinscope.train._data import SpanTarget, technique_weights

    def window(target: int, labelled: bool) -> WindowExample:
        span = SpanTarget(1, 2, np.zeros(4, np.float32), np.eye(3, dtype=np.float32)[target])
        return WindowExample("a", np.array([1]), np.array([0]), [span], labelled=labelled)

    gold = [window(0, True), window(0, True), window(1, True)]
    silver = [window(0, False)] * 5 + [window(2, False)]
    assert np.array_equal(technique_weights(gold, 3), technique_weights(gold + silver, 3))


def test_texts_are_read_by_stem_and_chosen_evenly(tmp_path: Path) -> None:
    for i in range(10):
        (tmp_path / f"pub{i:02d}.txt").write_text(f"text {i}", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a text", encoding="utf-8")
    assert sorted(read_texts(tmp_path).articles) == [f"pub{i:02d}" for i in range(10)]
    chosen = read_texts(tmp_path, limit=4)
    assert sorted(chosen.articles) == ["pub00", "pub03", "pub06", "pub09"]
    assert chosen.articles["pub03"] == "text 3" and chosen.labels == []
    assert len(read_texts(tmp_path, limit=50).articles) == 10


def test_unusable_transfer_texts_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(TrainingError, match=r"no \.txt files"):
        read_texts(tmp_path)
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9")
    with pytest.raises(TrainingError, match="not UTF-8"):
        read_texts(tmp_path)
    (tmp_path / "bad.txt").write_text("they win", encoding="utf-8")
    save_targets(tmp_path / "t.npz", {"gone": _teacher(_tokenizer(), "they win")})
    with pytest.raises(TrainingError, match="not in"):
        load_transfer(_tokenizer(), tmp_path / "t.npz", tmp_path, 16, 2)


def test_a_batch_ignores_the_gold_tags_of_transfer_windows_only() -> None:
    from spinscope.train._batch import make_batch

    soft = np.full((3, 3), 1 / 3, dtype=np.float32)
    gold = WindowExample("g", np.array([1, 2, 3]), np.array([0, 1, 2]), soft=soft)
    taught = WindowExample("t", np.array([4, 5]), np.array([0, 0]), soft=soft[:2], labelled=False)
    plain = make_batch([gold], 100, 101, 0)
    assert plain.unlabelled is None and torch.equal(plain.gold_tags, plain.tags)
    mixed = make_batch([gold, taught], 100, 101, 0)
    assert mixed.unlabelled is not None and mixed.unlabelled.tolist() == [False, True]
    assert mixed.gold_tags[0].tolist() == [IGNORE, 0, 1, 2, IGNORE]
    assert (mixed.gold_tags[1] == IGNORE).all()
    assert mixed.tags[1, 1:3].tolist() == [0, 0]  # still marks where the teacher's rows apply


def test_transfer_windows_add_only_the_teachers_term(trained: Path, tiny_corpus: Path) -> None:
    """Without distillation a transfer window changes nothing; with it, a batch of transfer
    windows alone is the teacher's cross-entropy scaled by the weight, never NaN."""
    from spinscope._techniques import TECHNIQUE_NAMES
    from spinscope.train._batch import make_batch
    from spinscope.train._data import corpus_examples, technique_weights
    from spinscope.train._fit import _loss
    from spinscope.train._net import load_checkpoint, load_tokenizer

    tagger, head, meta = load_checkpoint(trained / "torch")
    tokenizer = load_tokenizer(trained / "torch" / "encoder")
    labelled = corpus_examples(tokenizer, Corpus.load(tiny_corpus), TECHNIQUE_NAMES, 64, 8)[:3]
    texts = {"x": "They are corrupt traitors, and we will win this war against them."}
    teacher = {"x": _teacher(tokenizer, texts["x"], seed=1)}
    taught = transfer_examples(tokenizer, texts, teacher, 64, 8)
    for ex in labelled:
        ex.soft = np.eye(3, dtype=np.float32)[ex.tags]
    weights = torch.from_numpy(technique_weights(labelled, len(TECHNIQUE_NAMES)))
    special = meta["special_ids"]
    with torch.no_grad():
        alone = _loss(tagger, head, make_batch(labelled, *special), weights, 0.0)
        mixed = _loss(tagger, head, make_batch(labelled + taught, *special), weights, 0.0)
        only = _loss(tagger, head, make_batch(taught, *special), weights, 0.4)
        logits, _ = tagger(make_batch(taught, *special).ids, make_batch(taught, *special).mask)
    assert torch.isclose(alone, mixed, atol=1e-5)
    rows = torch.log_softmax(logits.float()[0, 1 : 1 + len(taught[0].ids)], dim=-1)
    expected = -(torch.from_numpy(taught[0].soft) * rows).sum(dim=-1).mean()
    assert len(taught) == 1 and torch.isclose(only, 0.4 * expected, atol=1e-5)


def test_a_student_fits_on_transfer_texts_beside_the_articles(
    trained: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    """The teacher labels unlabelled texts; the student's windows are the articles' plus
    theirs, and its settings record both. Without a teacher it refuses."""
    from dataclasses import replace

    from spinscope.train._distill import label_corpus, silver_labels
    from spinscope.train._fit import TrainConfig, fit
    from spinscope.train._net import load_tokenizer
    from spinscope.train._setup import default_encoder
    from spinscope.train._soft_targets import load_targets

    texts = tmp_path / "texts"
    texts.mkdir()
    for i, body in enumerate(["We will win. They are traitors!", "They are corrupt. " * 300]):
        (texts / f"news{i}.txt").write_text(body, encoding="utf-8")
    unlabelled = read_texts(texts)
    targets = tmp_path / "transfer.npz"
    save_targets(targets, label_corpus(trained / "torch", unlabelled, ["news0", "news1"], "cpu"))
    silver = label_corpus(trained / "torch", unlabelled, ["news0", "news1"], "cpu", silver=0.0)
    # at threshold 0 every token is inside a span: the teacher's spans cover the texts
    assert all(t.spans for t in silver.values())
    for aid, t in silver.items():
        decoded = silver_labels(aid, unlabelled.articles[aid], t, 0.0)
        assert sorted(t.spans) == sorted((lb.start, lb.end) for lb in decoded)
        assert all(np.isclose(p.sum(), 1.0, atol=1e-3) for p in t.spans.values())
    silver_npz = tmp_path / "silver.npz"
    save_targets(silver_npz, silver)
    corpus = Corpus.load(tiny_corpus)
    ids = sorted(corpus.articles)
    encoder = str(default_encoder())
    plain = TrainConfig(
        encoder, layers=1, max_steps=2, epochs=1, teacher=str(trained / "torch"), distill=0.5
    )
    taught = replace(plain, transfer=str(targets), transfer_texts=str(texts))
    with_spans = replace(taught, transfer=str(silver_npz))
    windows = []
    for name, config in (("plain", plain), ("taught", taught), ("silver", with_spans)):
        fit(corpus, ids, config, tmp_path / name)
        meta = json.loads((tmp_path / name / "torch" / "train.json").read_text())
        assert meta["config"]["transfer"] == config.transfer
        assert all(np.isfinite(h["loss"]) for h in meta["history"])
        windows.append(meta["windows"])
    # the teacher and the student share all-MiniLM-L6-v2's tokenizer
    tok = load_tokenizer(trained / "torch" / "encoder")
    added = transfer_examples(tok, unlabelled.articles, load_targets(targets), 256, 32)
    assert windows[2] == windows[1] == windows[0] + len(added) > windows[0]
    with_silver = transfer_examples(tok, unlabelled.articles, load_targets(silver_npz), 256, 32)
    assert not any(ex.spans for ex in added) and any(ex.spans for ex in with_silver)
    with pytest.raises(TrainingError, match="set a teacher"):
        fit(corpus, ids, replace(taught, teacher="", distill=0.0), tmp_path / "none")


def test_the_card_says_what_the_transfer_texts_were() -> None:
    from spinscope.train._finalize import _card_extras

    plain = {"train": {"teacher": "t.npz", "distill": 0.5, "transfer": ""}}
    assert "unlabelled" not in _card_extras(plain)
    said = _card_extras(
        {"train": {"teacher": "t.npz", "distill": 0.5, "transfer": "x.npz", "transfer_texts": "T"}}
    )
    assert "unlabelled texts of `T`" in said and "`x.npz`" in said
