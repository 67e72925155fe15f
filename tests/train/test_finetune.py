"""Fine-tuning a model on corrections (``spinscope train --from``): the torch network rebuilt
from ONNX files computes what they compute, and a few-step fine-tune writes a loadable
model whose card keeps the original's figures beside its own."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinscope import Corpus, load_model
from spinscope._pipeline import default_model_path
from tests.clirun import invoke

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch", reason="needs the train extra")


def _texts(corpus_dir: Path, n: int = 3) -> list[str]:
    corpus = Corpus.load(corpus_dir)
    return [corpus.articles[a] for a in sorted(corpus.articles)[:n]]


def test_rebuilt_tagger_has_the_checkpoint_weights(trained: Path, tiny_corpus: Path) -> None:
    """From the fp32 graph the weights come back exactly, and so do the outputs."""
    from spinscope.train import default_encoder
    from spinscope.train._net import load_checkpoint
    from spinscope.train._rebuild import agreement, rebuild_tagger

    want, _, _ = load_checkpoint(trained / "torch")
    got = rebuild_tagger(trained, default_encoder(), "tagger.fp32.onnx")
    state = got.state_dict()
    for name, value in want.state_dict().items():
        if ".pooler." not in name:
            np.testing.assert_allclose(state[name].numpy(), value.numpy(), atol=1e-6)
    close = agreement(trained, got, _texts(tiny_corpus), "tagger.fp32.onnx")
    assert close["max_prob_diff"] < 1e-4 and close["hidden_cosine"] > 0.9999


def test_rebuilt_int8_tagger_agrees_with_its_session(trained: Path, tiny_corpus: Path) -> None:
    """From the int8 graph: the dequantized weights, off by at most half a quantization
    step; the outputs off only by the activation quantization onnxruntime adds."""
    from spinscope.train import default_encoder
    from spinscope.train._net import load_checkpoint
    from spinscope.train._rebuild import agreement, rebuild_tagger

    want, _, _ = load_checkpoint(trained / "torch")
    got = rebuild_tagger(trained, default_encoder(), "tagger.int8.onnx").state_dict()
    for name in ("encoder.encoder.layer.0.attention.self.key.weight", "bio.weight"):
        step = want.state_dict()[name].abs().max(dim=1).values / 127
        diff = (got[name] - want.state_dict()[name]).abs().max(dim=1).values
        assert bool((diff <= step / 2 + 1e-6).all()), name
    rebuilt = rebuild_tagger(trained, default_encoder(), "tagger.int8.onnx")
    close = agreement(trained, rebuilt, _texts(tiny_corpus), "tagger.int8.onnx")
    assert close["hidden_cosine"] > 0.98 and close["mean_prob_diff"] < 0.02


def _initializers(path: Path) -> dict[str, Any]:
    import onnx
    from onnx import numpy_helper

    return {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}


def _quantized_weights(path: Path) -> list[bytes]:
    """The int8 weights of an ONNX graph, sorted: their names depend on the exporter's
    torch version, their values do not."""
    return sorted(v.tobytes() for k, v in _initializers(path).items() if k.endswith("_quantized"))


def _fused_attention(path: Path) -> bool:
    import onnx

    return any(n.op_type == "QAttention" for n in onnx.load(str(path)).graph.node)


def test_shipped_tagger_rebuilds_and_exports_back_to_the_same_int8_graph(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    """The shipped int8 tagger, rebuilt and exported as training exports: every int8
    weight comes back identical, so the mapping of ONNX weights to torch ones is exact;
    the rebuilt network agrees with the shipped session up to activation quantization."""
    from spinscope.train import default_encoder
    from spinscope.train._export import export_onnx, optimize, quantize
    from spinscope.train._rebuild import agreement, rebuild_span_head, rebuild_tagger

    shipped = default_model_path()
    tagger = rebuild_tagger(shipped, default_encoder())
    close = agreement(shipped, tagger, _texts(tiny_corpus, 4))
    assert close["hidden_cosine"] > 0.98 and close["mean_prob_diff"] < 0.01, close
    assert close["max_prob_diff"] < 0.3 and close["tag_flips"] < 0.01, close
    head = rebuild_span_head(shipped / "span_head.onnx", 384, 11)
    export_onnx(tagger, head, 3 * 384 + 11, tmp_path)
    # Fusing Q, K and V into one matrix quantizes them on one scale: re-export in the
    # shipped graph's form (onnxruntime fuses the attention of some exporters' graphs only).
    if _fused_attention(shipped / "tagger.onnx"):
        optimize(tmp_path, 12, 384)
    quantize(tmp_path)
    want = _quantized_weights(shipped / "tagger.onnx")
    got = _quantized_weights(tmp_path / "tagger.int8.onnx")
    assert len(want) >= 20 and want == got
    np.testing.assert_array_equal(
        _initializers(shipped / "span_head.onnx")["head.net.0.weight"],
        _initializers(tmp_path / "span_head.onnx")["head.net.0.weight"],
    )


def _label_studio(corpus: Corpus, ids: list[str], path: Path) -> Path:
    """The gold labels of ``ids`` as a Label Studio export, as a team's corrections."""
    tasks = []
    for n, aid in enumerate(ids, 1):
        result = [
            {"value": {"start": lb.start, "end": lb.end, "labels": [lb.technique]}}
            for lb in corpus.labels
            if lb.article_id == aid
        ]
        data = {"text": corpus.articles[aid], "article_id": aid}
        tasks.append({"id": n, "data": data, "annotations": [{"result": result}]})
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def onnx_only(trained: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The smoke model as it would be shipped: ONNX files only, no torch checkpoint (removed
    after the module: CI's disk is small)."""
    folder = tmp_path_factory.mktemp("shippable")
    ignore = shutil.ignore_patterns("torch", "tagger.fp32.onnx", "tagger.int8.onnx")
    shutil.copytree(trained, folder / "model", ignore=ignore)
    yield folder / "model"
    shutil.rmtree(folder, ignore_errors=True)


def test_train_from_a_model_on_label_studio_corrections(
    onnx_only: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    """Six corrected articles from a Label Studio export: five fitted, one held out; the
    original corpus's three other training articles rehearsed, its one validation article
    that was not corrected scored."""
    corpus = Corpus.load(tiny_corpus)
    corrected = sorted(corpus.articles)[:6]
    tasks = _label_studio(corpus, corrected, tmp_path / "tasks.json")
    out = tmp_path / "ours"
    args = ["--mix-original", str(tiny_corpus), "--original-corpus", str(tiny_corpus)]
    result = invoke(
        "train", "--from", str(onnx_only), "--corpus", str(tasks), "--out", str(out),
        "--max-steps", "2", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "held-out corrections (1)" in result.stdout
    assert "original corpus validation (1)" in result.stdout
    model = load_model(str(out))
    source = json.loads((onnx_only / "config.json").read_text())
    v = model.config.validation
    assert v["original_model"] == {"model_id": source["model_id"], **source["validation"]}
    assert {"si_f1", "e2e_micro_f1"} <= set(v) and v["original_corpus"]["original_model"]
    assert model.model_id.startswith(source["model_id"] + "-ft")
    assert model.analyze("They are corrupt traitors!", threshold=0).model_id == model.model_id
    saved = json.loads((out / "validation.json").read_text())
    assert saved["start"]["from"] == "onnx" and saved["start"]["agreement"]["windows"] == 4
    assert saved["evidence_rows"] > 0 and (out / "evidence.npz").is_file()
    assert len(saved["corrected_fit_ids"]) == 5 and len(saved["mixed_ids"]) == 3
    card = (out / "MODEL_CARD.md").read_text()
    assert "Rebuilt from the original's int8 ONNX tagger" in card
    assert "Kept from the original" in card and source["model_id"] in card
    assert (out / "README.md").read_text().endswith(card)


def test_finetune_from_a_checkpoint_retunes_decoding_when_asked(
    trained: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    """A model directory with its torch checkpoint starts from it; with ``retune_min`` 1
    the decoding is tuned on the held-out corrections."""
    from spinscope.train import FinetuneOptions, finetune

    corrections = Corpus.load(tiny_corpus)
    options = FinetuneOptions(max_steps=1, retune_min=1, seed=5)
    result = finetune(trained, corrections, tmp_path / "ours", options=options)
    assert result.decoding == "re-tuned" and result.n_fit == 8 and result.report is not None
    assert result.comparison["held-out corrections"]["articles"] == 2
    saved = json.loads((tmp_path / "ours" / "validation.json").read_text())
    assert saved["start"] == {"from": "checkpoint", "path": str(trained / "torch")}
    assert saved["tuning"]["span_threshold"]
    assert load_model(str(tmp_path / "ours")).config.validation["split"].endswith("(2 articles)")


def test_train_from_refuses_what_does_not_apply(
    onnx_only: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    out = str(tmp_path / "o")
    common = ["train", "--corpus", str(tiny_corpus), "--out", out]
    clash = invoke(*common, "--from", str(onnx_only), "--cv", str(tmp_path))
    assert clash.exit_code == 2 and "--cv cannot go with --from" in clash.stderr
    alone = invoke(*common, "--original-corpus", str(tiny_corpus))
    assert alone.exit_code == 2 and "go with --from" in alone.stderr
    missing = invoke(*common, "--from", str(tmp_path / "nothing"))
    assert missing.exit_code == 3 and "not a spinscope model directory" in missing.stderr
