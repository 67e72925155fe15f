"""Round trip of spinscope's doccano JSONL through a real, running doccano.

A check by hand, not part of CI (doccano is a Django server and a Celery worker of its
own): it creates a sequence-labelling project, uploads spinscope's JSONL (its spans come
in as labels), exports the project as JSONL and reads the export back with ``spinscope
import``. The spans that come back must be the model's, with the same offsets.

    pip install doccano "numpy<2" "marshmallow<4"   # doccano 1.8.4, a virtualenv of its own
    doccano init && doccano createuser --username U --password P
    doccano webserver --port 8091 & doccano task &
    spinscope analyze A.txt B.txt -f doccano -o tasks.jsonl
    spinscope analyze A.txt B.txt -f semeval -o model.tsv
    python scripts/doccano_roundtrip.py --user U --password P --tasks tasks.jsonl \\
        --model model.tsv
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
from _roundtrip import read_back

PROJECT = {
    "name": "spinscope round trip",
    "description": "spinscope's spans, imported and exported unchanged",
    "project_type": "SequenceLabeling",
    "resourcetype": "SequenceLabelingProject",
    "guideline": "",
    "allow_overlapping": True,
    "use_relation": False,
    "random_order": False,
    "collaborative_annotation": True,
}


def finished(c: httpx.Client, task_id: str) -> dict[str, Any]:
    """Wait for doccano's Celery task ``task_id``; its status once ready."""
    for _ in range(120):
        status: dict[str, Any] = c.get(f"/tasks/status/{task_id}").raise_for_status().json()
        if status.get("ready"):
            return status
        time.sleep(0.5)
    raise SystemExit(f"doccano task {task_id} did not finish: is `doccano task` running?")


def round_trip(c: httpx.Client, tasks: Path) -> bytes:
    """Import ``tasks`` into a new project and export it again: the JSONL export."""
    project = c.post("/projects", json=PROJECT).raise_for_status().json()["id"]
    with tasks.open("rb") as f:
        upload = c.post("/fp/process/", files={"filepond": (tasks.name, f)}).raise_for_status()
    body = {"uploadIds": [upload.text], "format": "JSONL", "task": "SequenceLabeling"}
    body |= {"column_data": "text", "column_label": "label", "encoding": "utf_8"}
    imported = c.post(f"/projects/{project}/upload", json=body).raise_for_status().json()
    errors = finished(c, imported["task_id"])["result"].get("error")
    if errors:
        raise SystemExit(f"doccano refused the import: {errors[:3]}")
    export = c.post(f"/projects/{project}/download", json={"format": "JSONL"}).raise_for_status()
    task = export.json()["task_id"]
    finished(c, task)
    archive = c.get(f"/projects/{project}/download", params={"taskId": task}).raise_for_status()
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        return z.read(z.namelist()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8091/v1")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--tasks", type=Path, required=True, help="spinscope's tasks.jsonl")
    parser.add_argument("--model", type=Path, required=True, help="the same spans as SemEval")
    parser.add_argument("--out", type=Path, default=Path("doccano-export.jsonl"))
    args = parser.parse_args()
    login = {"username": args.user, "password": args.password}
    key = httpx.post(f"{args.url}/auth/login/", json=login).raise_for_status().json()["key"]
    headers = {"Authorization": f"Token {key}"}
    with httpx.Client(base_url=args.url, headers=headers, timeout=60) as c:
        args.out.write_bytes(round_trip(c, args.tasks))
    expected = set(args.model.read_text(encoding="utf-8").splitlines())
    return read_back(args.out, "doccano", expected)


if __name__ == "__main__":
    sys.exit(main())
