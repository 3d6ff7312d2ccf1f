#!/usr/bin/env python
"""Every benchmark figure in one run, on PostgreSQL, in one dated results table (issue 18 item 1).

Usage:  .venv/bin/python bench/run.py --all [--scale N]          (``make bench`` runs this)
        .venv/bin/python bench/run.py --only workorders_create,scorecards
        .venv/bin/python bench/run.py --list

``DATABASE_URL`` names the PostgreSQL server (default ``postgres://postgres@127.0.0.1:5432/postgres``); every
script makes and drops its own throwaway database there. The scripts run one after the other, each in its own
process (its own Django settings and database), and report through ``bench/common.Figures``. The runner writes
``bench/results/<date>-<time>.md`` and ``.json``: each figure, its limit, the side-by-side figures where the limit
is a ratio of two figures measured in the same run, whether it is met, and the machine's load average when the
script started and ended. Exit status 1 when a figure misses its limit or a script fails.

Adding a figure is one line in ``BENCHES`` below: the script's name, its file, and the arguments it takes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    args: tuple[str, ...] = ()
    scaled: bool = False  # takes the runner's --scale (the demo district's scale)
    needs: tuple[str, ...] = ()  # programs it runs (checked first, so a missing one is named)


# One line per benchmark script; each reports through bench/common.Figures.
BENCHES = [
    Bench("foundation", "foundation.py", scaled=True),
    Bench("search_residents", "search_residents.py"),
    Bench("import_residents", "import_residents.py", ("--engines", "calamine")),
    Bench("workorders_create", "workorders_create.py", needs=("wrk",)),
    Bench("workorders_queue", "workorders_queue.py"),
    Bench("scorecards", "scorecards.py"),
    Bench("outbox", "outbox.py"),
    Bench("knowledge_answer", "knowledge_answer.py"),
    Bench("access", "access.py"),
    Bench("campaigns", "campaigns.py"),
    Bench("votes", "votes.py"),
    Bench("trust_ledger", "trust_ledger.py"),
    Bench("iot_ingest", "iot_ingest.py", needs=("mosquitto",)),
    Bench("assistant_route", "assistant_route.py"),
]


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def run_one(bench: Bench, scale: int, env: dict) -> dict:
    missing = [p for p in bench.needs if not shutil.which(p)]
    started = dt.datetime.now().astimezone()
    record = {"bench": bench.name, "started": started.isoformat(timespec="seconds"), "load_start": load()}
    if missing:
        record.update(status="error", error=f"not installed: {', '.join(missing)}", figures=[], seconds=0.0)
        print(f"\n==== {bench.name}: SKIPPED AS A FAILURE — {record['error']}")
        return record
    cmd = [sys.executable, str(BENCH / bench.script), *bench.args]
    if bench.scaled:
        cmd += ["--scale", str(scale)]
    print(f"\n==== {bench.name}: {' '.join(cmd[1:])}   (load average {record['load_start']})", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = Path(f.name)
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, env={**env, "LINLI_BENCH_JSON": str(out)}, cwd=ROOT, check=False).returncode
    figures = json.loads(out.read_text() or "[]") if out.stat().st_size else []
    out.unlink(missing_ok=True)
    record.update(seconds=round(time.perf_counter() - t0, 1), load_end=load(), exit=rc, figures=figures)
    if rc not in (0, 1) or (rc == 1 and not any(r.get("ok") is False for r in figures)):
        record.update(status="error", error=f"exit status {rc}")
    else:
        record["status"] = "ok" if rc == 0 else "missed"
    return record


def fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{value:,.0f}" if isinstance(value, float) else f"{value:,}"


def table(run: dict) -> str:
    lines = [
        f"# Benchmarks {run['date']}",
        "",
        f"{run['machine']} · PostgreSQL {run['postgres']} · commit {run['commit']} · scale {run['scale']} · "
        f"load average (1 / 5 min) at the start {run['load_start']}, at the end {run['load_end']} · "
        f"{run['seconds'] / 60:.1f} min",
        "",
        "| bench | figure | measured | limit | side by side | result | load at start / end |",
        "|---|---|---|---|---|---|---|",
    ]
    for rec in run["benches"]:
        loads = f"{rec['load_start']} → {rec.get('load_end', '—')}"
        if rec["status"] == "error":
            lines.append(f"| {rec['bench']} | (the script) | — | — | {rec['error']} | **FAILED** | {loads} |")
        for r in rec["figures"]:
            limit = f"{r['op']} {fmt(r['limit'])} {r['unit']}".strip() if r["limit"] is not None else "—"
            result = {True: "ok", False: "**MISSED**", None: "(comparison)"}[r["ok"]]
            measured = f"{fmt(r['value'])} {r['unit']}".strip()
            lines.append(
                f"| {rec['bench']} | {r['figure']} | {measured} | {limit} | {r['side']} | {result} | {loads} |"
            )
    missed = [f"{r['bench']}: {r['figure']}" for rec in run["benches"] for r in rec["figures"] if r["ok"] is False]
    failed = [rec["bench"] for rec in run["benches"] if rec["status"] == "error"]
    lines += [
        "",
        "**All figures within their limits.**"
        if not (missed or failed)
        else "**Missed:** " + "; ".join(missed + [f"{b} failed" for b in failed]),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="run every registered benchmark")
    parser.add_argument("--only", default="", help="comma-separated names (see --list)")
    parser.add_argument("--scale", type=int, default=3, help="the demo district's scale where a figure uses it")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--results", default=str(RESULTS), help="folder for the results table")
    args = parser.parse_args()

    if args.list:
        for b in BENCHES:
            print(f"{b.name:<20} bench/{b.script} {' '.join(b.args)}{' --scale N' if b.scaled else ''}")
        return 0
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = set(names) - {b.name for b in BENCHES}
    if unknown or not (args.all or names):
        parser.error(f"unknown benchmark: {', '.join(sorted(unknown))}" if unknown else "give --all or --only")
    chosen = [b for b in BENCHES if args.all or b.name in names]

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: DATABASE_URL must name a PostgreSQL server (the figures are PostgreSQL figures)")
        return 2
    env = {**os.environ, "DATABASE_URL": url}
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    now = dt.datetime.now().astimezone()
    run = {
        "date": now.isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "postgres": postgres,
        "commit": commit or "?",
        "scale": args.scale,
        "load_start": load(),
    }
    t0 = time.perf_counter()
    run["benches"] = [run_one(b, args.scale, env) for b in chosen]
    run.update(load_end=load(), seconds=round(time.perf_counter() - t0, 1))

    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    stem = now.strftime("%Y-%m-%d-%H%M")
    (out / f"{stem}.json").write_text(json.dumps(run, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = table(run)
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"bench: results in {out / stem}.md and .json")
    bad = any(rec["status"] != "ok" for rec in run["benches"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
