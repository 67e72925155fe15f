"""The head at run time: token states read from their owner windows, a session's tags
decoded into attributions; (slow) an exported head run by onnxruntime on the real model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._attribution import TAGS, AttributionHead, Decoding, owners, token_states
from spinscope._pipeline import ArticleIndex, Forward
from spinscope._pipeline._encoder import Piece
from spinscope._pipeline._tokens import Encoded
from spinscope._pipeline._windows import owner_windows, plan_windows


@given(st.integers(1, 400), st.integers(2, 60), st.integers(0, 59))
def test_owners_are_the_pipelines_owner_windows(n: int, size: int, overlap: int) -> None:
    windows = plan_windows(n, size, min(overlap, size - 1))
    assert owners(n, windows).tolist() == owner_windows(n, windows)


def fake_forward(text: str, windows: list[tuple[int, int]]) -> Forward:
    """One piece, a token per character; window w's state at position p is [w, p]."""
    n = len(text)
    encoded = Encoded(np.arange(n, dtype=np.int64), [(i, i + 1) for i in range(n)])
    hidden = [
        np.asarray([[w, p] for p in range(b - a + 2)], dtype=np.float32)
        for w, (a, b) in enumerate(windows)
    ]
    masks = [np.ones(b - a + 2, dtype=np.int64) for a, b in windows]
    piece = Piece(encoded, windows, np.zeros((n, 3), dtype=np.float32), hidden, masks)
    return Forward(text, ArticleIndex.build(text), [piece])


def test_token_states_come_from_each_tokens_owner_window() -> None:
    windows = [(0, 4), (3, 7), (6, 10)]
    states, offsets = token_states(fake_forward("abcdefghij", windows).pieces)
    own = owner_windows(10, windows)
    assert states[:, 0].tolist() == own
    # Position 0 is the start token, so token t of window (a, b) is at t - a + 1.
    assert states[:, 1].tolist() == [t - windows[w][0] + 1 for t, w in enumerate(own)]
    assert offsets == [(i, i + 1) for i in range(10)]


class TagSession:
    """A fake head session: each token's tag is fixed by its state's window index."""

    def __init__(self, tags: list[int]) -> None:
        self.tags = tags

    def run(self, output_names: list[str], input_feed: dict[str, Any]) -> list[Any]:
        assert input_feed["states"].shape[:2] == (1, len(self.tags))
        return [np.eye(len(TAGS), dtype=np.float32)[self.tags][None]]


def test_the_head_decodes_its_sessions_tags() -> None:
    text = "I said so"
    tags = [1, 0, 3, 4, 4, 4, 0, 5, 6]
    head = AttributionHead(TagSession(tags), Decoding(), {})
    (found,) = head.attributions(text, fake_forward(text, [(0, 9)]).pieces)
    assert (found.source, found.cue, found.content) == (((0, 1),), ((2, 6),), ((7, 9),))


def test_a_folder_without_a_head_has_none(tmp_path: Path) -> None:
    assert AttributionHead.load(tmp_path) is None
    (tmp_path / "attribution_head.onnx").write_bytes(b"")
    (tmp_path / "attribution.json").write_text('{"tags": ["O"]}', encoding="utf-8")
    assert AttributionHead.load(tmp_path) is None


@pytest.mark.slow
def test_an_exported_head_runs_on_the_real_models_states(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch", reason="needs the train extra")
    import json

    from spinscope import load_model
    from spinscope.train._attribution import HeadConfig, build_head, export_head

    model = load_model()
    fwd = model.forward("“We will win,” the senator said on Tuesday. " * 40)
    states, offsets = token_states(fwd.pieces)
    assert states.shape == (len(offsets), model.config.hidden_size)
    for kind in ("gru", "conv"):
        net = build_head(states.shape[1], HeadConfig(kind=kind)).eval()
        export_head(net, states.shape[1], tmp_path / "attribution_head.onnx")
        config = {"tags": list(TAGS), "decoding": {"merge_by_cue": False, "reach": 1}}
        (tmp_path / "attribution.json").write_text(json.dumps(config), encoding="utf-8")
        head = AttributionHead.load(tmp_path)
        assert head is not None and head.decoding == Decoding(False, 1)
        probs = head.probs(states)
        with torch.no_grad():
            expected = torch.softmax(net(torch.from_numpy(states[None])), -1)[0].numpy()
        np.testing.assert_allclose(probs, expected, atol=1e-4)
        for a in head.attributions(fwd.text, fwd.pieces):
            assert all(0 <= s < e <= len(fwd.text) for s, e in (*a.content, *a.cue, *a.source))
