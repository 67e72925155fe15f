"""Round trip of spinscope's Label Studio tasks through a real, running Label Studio.

The tests run it against a Label Studio they start (``tests/formats/test_label_studio_live.py``);
by hand, against any running Label Studio (a Django server of its own): it creates
a project with spinscope's labelling config, imports the tasks with their predictions,
accepts each task's prediction as a person's annotation (dropping the first span of the
first task, as a correction), exports the project as JSON and reads the export back with
``spinscope import``. The spans that come back must be the model's, less the dropped one,
with the same offsets.

    pip install label-studio            # in a virtualenv of its own
    label-studio start --no-browser --port 8089 --username U --password P --user-token T
    spinscope analyze A.txt B.txt -f label-studio -o tasks.json
    spinscope analyze A.txt B.txt -f semeval -o model.tsv
    python scripts/label_studio_roundtrip.py --url http://127.0.0.1:8089 --token T \\
        --tasks tasks.json --model model.tsv

Label Studio 1.23 turns legacy tokens off for new organisations: enable them in the
organisation's settings (or use a personal access token's access token with ``--bearer``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import httpx
from _roundtrip import read_back


def client(url: str, token: str, bearer: bool) -> httpx.Client:
    scheme = "Bearer" if bearer else "Token"
    return httpx.Client(base_url=url, headers={"Authorization": f"{scheme} {token}"}, timeout=60)


def annotate_all(c: httpx.Client, project: int) -> dict[str, Any]:
    """Accept every task's prediction as its annotation, less the very first span."""
    listed = c.get("/api/tasks", params={"project": project}).raise_for_status().json()
    dropped: dict[str, Any] = {}
    for task in listed["tasks"] if isinstance(listed, dict) else listed:
        full = c.get(f"/api/tasks/{task['id']}").raise_for_status().json()
        result = [dict(r) for r in full["predictions"][0]["result"]]
        if not dropped and result:
            dropped = {"article_id": full["data"].get("article_id"), **result.pop(0)["value"]}
        body = {"result": result, "was_cancelled": False}
        c.post(f"/api/tasks/{task['id']}/annotations", json=body).raise_for_status()
    return dropped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8089")
    parser.add_argument("--token", required=True)
    parser.add_argument("--bearer", action="store_true", help="the token is a JWT access token")
    parser.add_argument("--tasks", type=Path, required=True, help="spinscope's tasks.json")
    parser.add_argument("--model", type=Path, required=True, help="the same spans as SemEval")
    parser.add_argument("--out", type=Path, default=Path("label-studio-export.json"))
    args = parser.parse_args()
    config = args.tasks.with_suffix(".label-config.xml").read_text(encoding="utf-8")
    with client(args.url, args.token, args.bearer) as c:
        body = {"title": "spinscope round trip", "label_config": config}
        project = c.post("/api/projects", json=body).raise_for_status().json()["id"]
        tasks = json.loads(args.tasks.read_text(encoding="utf-8"))
        c.post(f"/api/projects/{project}/import", json=tasks).raise_for_status()
        dropped = annotate_all(c, project)
        export = c.get(f"/api/projects/{project}/export", params={"exportType": "JSON"})
        args.out.write_bytes(export.raise_for_status().content)
    expected = set(args.model.read_text(encoding="utf-8").splitlines())
    expected.discard(
        f"{dropped['article_id']}\t{dropped['labels'][0]}\t{dropped['start']}\t{dropped['end']}"
    )
    return read_back(args.out, "label-studio", expected)


if __name__ == "__main__":
    sys.exit(main())
