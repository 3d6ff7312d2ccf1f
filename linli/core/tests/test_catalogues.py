"""Every Chinese catalogue of the project (the project's own ``locale/`` and each app's): the header valid, every
message translated (no fuzzy, no empty), and the committed .mo is the compiled .po — a stale or broken .mo shows
English on the pages. A new app's catalogue is found and checked without editing this file."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("linli/*/locale/zh_Hans/LC_MESSAGES/django.po")
)


def _string(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"flags", "ctxt", "id", "plural", "str": {index: text}} (obsolete ones skipped)."""
    entries, cur, field = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if cur is not None:
                entries.append(cur)
            cur, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if cur is None:
            cur = {"flags": set(), "ctxt": None, "id": [], "plural": None, "str": {}}
        if line.startswith("#,"):
            cur["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            cur["ctxt"], field = [line[8:]], ("ctxt",)
        elif line.startswith("msgid_plural "):
            cur["plural"], field = [line[13:]], ("plural",)
        elif line.startswith("msgid "):
            cur["id"], field = [line[6:]], ("id",)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            cur["str"][index], field = [line[line.index("]") + 2 :]], ("str", index)
        elif line.startswith("msgstr "):
            cur["str"][0], field = [line[7:]], ("str", 0)
        elif line.startswith('"'):
            target = cur[field[0]] if len(field) == 1 else cur["str"][field[1]]
            target.append(line)
    out = []
    for e in entries:
        if not e["id"]:
            continue
        out.append(
            {
                "flags": e["flags"],
                "ctxt": _string(e["ctxt"]) if e["ctxt"] else None,
                "id": _string(e["id"]),
                "plural": _string(e["plural"]) if e["plural"] else None,
                "str": {k: _string(v) for k, v in e["str"].items()},
            }
        )
    return out


def test_catalogues_are_found():
    assert len(CATALOGUES) > 10 and any("owners" in str(p) for p in CATALOGUES)


def _name(po: Path) -> str:
    """The app a catalogue belongs to ("project" for the top-level ``locale/``)."""
    parts = po.relative_to(ROOT).parts
    return parts[1] if parts[0] == "linli" else "project"


@pytest.mark.parametrize("po", CATALOGUES, ids=_name)
def test_catalogue_complete_and_compiled(po):
    entries = parse_po(po)
    header = next((e for e in entries if e["id"] == ""), None)
    assert header is not None and "Plural-Forms: nplurals=1; plural=0;\n" in header["str"][0]
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    assert compiled.plural(5) == 0
    problems = []
    for e in (e for e in entries if e["id"]):
        key = e["id"] if e["ctxt"] is None else f"{e['ctxt']}\x04{e['id']}"
        if "fuzzy" in e["flags"] or not all(e["str"].values()):
            problems.append(f"untranslated or fuzzy: {e['id']!r}")
            continue
        got = compiled._catalog.get((key, 0) if e["plural"] else key)
        if got != e["str"][0]:
            problems.append(f"stale .mo: {e['id']!r} → {got!r} (the .po says {e['str'][0]!r})")
    assert not problems, "\n".join(problems[:20])
