"""The labelled evaluation set, written by the team and kept apart from training and rules:
``reports.jsonl`` (report text → top-level category, lead department short name) and ``duplicates.jsonl``
(pairs of reports with where and when, labelled duplicate or not). Read by ``manage.py assistant_evaluate``."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def _read(name: str) -> list[dict]:
    with (HERE / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def reports() -> list[dict]:
    return _read("reports.jsonl")


def duplicate_pairs() -> list[dict]:
    return _read("duplicates.jsonl")
