"""What every benchmark script shares: its figures printed beside their limits, and recorded for ``bench/run.py``.

A script makes one ``Figures("name")``, reports each figure with :meth:`Figures.check` (a figure with a limit),
:meth:`Figures.ratio` (a limit on the ratio of two figures measured side by side in the same run) or
:meth:`Figures.note` (printed for comparison, no limit), and ends with ``return figures.finish()``: exit status 1
when a figure missed its limit. When ``bench/run.py`` runs the script it sets ``LINLI_BENCH_JSON`` to a file,
and :meth:`Figures.finish` writes the figures there for the results table.
"""

from __future__ import annotations

import json
import os


class Figures:
    def __init__(self, bench: str):
        self.bench = bench
        self.rows: list[dict] = []
        self.failures: list[str] = []

    def _add(self, row: dict) -> dict:
        row = {"bench": self.bench, **row}
        self.rows.append(row)
        if row.get("ok") is False:
            self.failures.append(row["figure"])
        return row

    def check(self, name: str, value: float, limit: float, unit: str = "", *, higher_is_worse=True, side="") -> bool:
        """A figure and its limit: ``value ≤ limit`` (or ``≥`` when ``higher_is_worse`` is false)."""
        ok = value <= limit if higher_is_worse else value >= limit
        op = "≤" if higher_is_worse else "≥"
        print(
            f"  {name:<46} {value:>10.2f} {unit:<6} limit {op} {limit:>8.2f} {unit:<6} {'ok' if ok else 'MISSED'}"
            + (f"   ({side})" if side else "")
        )
        self._add({"figure": name, "value": value, "unit": unit, "limit": limit, "op": op, "ok": ok, "side": side})
        return ok

    def ratio(
        self, name: str, numerator: float, denominator: float, limit: float, *, higher_is_worse=False, unit: str = ""
    ) -> bool:
        """A limit on ``numerator / denominator``, both measured side by side in this run (shown beside it)."""
        value = numerator / denominator if denominator else float("inf")
        return self.check(
            name,
            value,
            limit,
            "×",
            higher_is_worse=higher_is_worse,
            side=f"{numerator:,.1f} vs {denominator:,.1f} {unit}".strip(),
        )

    def note(self, name: str, value: float, unit: str = "", *, side: str = "") -> None:
        """A figure printed for comparison, without a limit."""
        print(f"  {name:<46} {value:>10.2f} {unit:<6}" + (f"   ({side})" if side else ""))
        self._add({"figure": name, "value": value, "unit": unit, "limit": None, "op": "", "ok": None, "side": side})

    def fail(self, name: str, why: str) -> None:
        """A failure that is not a figure (a benchmark request answered an error, …)."""
        print(f"  {name}: {why} — FAILED")
        self._add({"figure": name, "value": None, "unit": "", "limit": None, "op": "", "ok": False, "side": why})

    def finish(self) -> int:
        print(
            "\nbench:",
            "all figures within their limits" if not self.failures else f"MISSED: {', '.join(self.failures)}",
        )
        path = os.environ.get("LINLI_BENCH_JSON")
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump(self.rows, f, ensure_ascii=False, indent=1)
        return 1 if self.failures else 0
