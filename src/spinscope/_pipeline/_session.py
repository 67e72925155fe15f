"""The seam between spinscope and onnxruntime: what a session offers, and how one is opened.

Every network of a model directory (the tagger and the two technique heads) is an ONNX file
run by an ``onnxruntime.InferenceSession``. The pipeline only ever calls its ``run``, so
it is typed with :class:`InferenceSession`, a protocol that the real session and the unit
tests' fakes both satisfy. :func:`open_session` is the one place that builds sessions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
"""An array fed to or returned by a session."""


class InferenceSession(Protocol):
    """What spinscope uses of ``onnxruntime.InferenceSession``: its ``run`` method.

    ``run`` computes ``output_names`` from the named inputs and returns them in that order.

    Example:
        >>> class Doubler:
        ...     def run(self, output_names, input_feed):
        ...         return [input_feed["x"] * 2]
        >>> session: InferenceSession = Doubler()
        >>> run_one(session, "y", {"x": np.ones(2)}).tolist()
        [2.0, 2.0]
    """

    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        """The arrays named ``output_names``, computed from ``input_feed``."""
        ...


def run_one(
    session: InferenceSession, output: str, feeds: dict[str, Array]
) -> npt.NDArray[np.float32]:
    """Run ``session`` for its single output ``output``, as float32.

    Example:
        >>> class Half:
        ...     def run(self, output_names, input_feed):
        ...         return [input_feed["x"] / 2]
        >>> run_one(Half(), "y", {"x": np.array([1, 3])}).tolist()
        [0.5, 1.5]
    """
    (result,) = session.run([output], feeds)
    return np.asarray(result, dtype=np.float32)


def open_session(path: Path) -> InferenceSession:
    """Open the ONNX file ``path`` on the CPU with spinscope's options.

    Each run uses one thread, the caller's, and no thread spin-waits (spinning threads
    make throttled cores much slower); ``settings.threads`` runs go on at once from the
    model's thread pool (see ``load_network``). onnxruntime is imported here, so importing
    spinscope does not load it.

    Raises:
        Whatever onnxruntime raises for a missing or broken file (``Model.load`` turns
        it into a :class:`~spinscope.ModelError`).

    Example:
        >>> # tagger = open_session(default_model_path() / "tagger.onnx")
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # Memory patterns are cached per input shape, and one-window runs come in many
    # lengths: without them a 5 MB text peaks at 758 MB instead of 820, at the same speed.
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    # Networks are exported with SkipLayerNormalization unfused: its CPU kernel is slower
    # than Add + LayerNormalization, so onnxruntime must not fuse it back at load.
    session: InferenceSession = ort.InferenceSession(
        str(path),
        options,
        providers=["CPUExecutionProvider"],
        disabled_optimizers=["SkipLayerNormFusion"],
    )
    return session
