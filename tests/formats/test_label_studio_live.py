"""The Label Studio round trip inside a real Label Studio, started on loopback.

Label Studio installs from the package registry, but it is a Django server with its own
pinned dependencies, so it lives in a virtualenv of its own outside the project
(``~/.cache/spinscope-tests/label-studio-<version>``, made on the first run: about two
minutes; ``SPINSCOPE_LABEL_STUDIO`` names another ``label-studio`` executable). The test
runs ``scripts/label_studio_roundtrip.py`` against it with the real model's tasks for the
example article and an article of curly quotes, an emoji and ``\\r\\n``: the project is
created with spinscope's labelling config, the tasks are imported with their predictions,
every prediction is accepted less one span, the project is exported, and ``spinscope
import`` must give back exactly the other spans, offsets and techniques unchanged.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.clirun import invoke
from tests.conftest import EXAMPLE

VERSION = "1.23.2"
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "spinscope-test-token-0123456789abcdef"
ODD = "“Traitors,” they said 😀 of the shameful cronies.\r\nA disgrace!\r\n"


def label_studio_executable() -> Path:
    """The ``label-studio`` to run: the one named, else one installed on first use."""
    named = os.environ.get("SPINSCOPE_LABEL_STUDIO")
    if named:
        return Path(named)
    env = Path.home() / ".cache" / "spinscope-tests" / f"label-studio-{VERSION}"
    exe = env / "bin" / "label-studio"
    if not exe.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        pip = [str(env / "bin" / "pip"), "install", "-q", f"label-studio=={VERSION}"]
        if subprocess.run(pip, capture_output=True).returncode != 0:
            pytest.skip(f"label-studio=={VERSION} could not be installed from the registry")
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "Label Studio exited while starting"
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"Label Studio did not answer on {url} within {seconds} s")


def allow_legacy_tokens(data_dir: Path) -> None:
    """Label Studio 1.23 turns legacy API tokens off for new organisations; the test's own
    organisation turns them on (what its settings page does)."""
    with sqlite3.connect(data_dir / "label_studio.sqlite3") as db:
        db.execute("UPDATE jwt_auth_jwtsettings SET legacy_api_tokens_enabled = 1")


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = label_studio_executable()
    data_dir = tmp_path_factory.mktemp("label-studio")
    port = free_port()
    command = [str(exe), "start", "--no-browser", "--port", str(port)]
    command += ["--data-dir", str(data_dir), "--username", "test@spinscope.local"]
    command += ["--password", "spinscope-test", "--user-token", TOKEN]
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir), "DJANGO_DB": "sqlite"}
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server)
        allow_legacy_tokens(data_dir)
        yield url
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def test_tasks_go_through_label_studio_and_come_back_exactly(
    label_studio: str, tmp_path: Path
) -> None:
    odd = tmp_path / "article9.txt"
    odd.write_bytes(ODD.encode("utf-8"))
    tasks, model = tmp_path / "tasks.json", tmp_path / "model.tsv"
    for fmt, out in (("label-studio", tasks), ("semeval", model)):
        result = invoke("analyze", str(EXAMPLE), str(odd), "-f", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
    assert len(model.read_text(encoding="utf-8").splitlines()) >= 10
    bin_dir = str(Path(sys.executable).parent)  # where the `spinscope` command is
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = ROOT / "scripts" / "label_studio_roundtrip.py"
    command = [sys.executable, str(script), "--url", label_studio, "--token", TOKEN]
    command += ["--tasks", str(tasks), "--model", str(model)]
    command += ["--out", str(tmp_path / "export.json")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every span came back with the same technique and offsets" in done.stdout
