"""The Chinese catalogues of volunteering, wishes, points and visits: every message translated (no fuzzy, no
empty), the header valid, and the committed .mo is the compiled .po (a stale or broken .mo shows English)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

APPS = ("volunteering", "wishes", "points", "visits")
ROOT = Path(__file__).resolve().parents[3]


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
            index = int(line[7:line.index("]")])
            cur["str"][index], field = [line[line.index("]") + 2:]], ("str", index)
        elif line.startswith("msgstr "):
            cur["str"][0], field = [line[7:]], ("str", 0)
        elif line.startswith('"'):
            target = cur[field[0]] if len(field) == 1 else cur["str"][field[1]]
            target.append(line)
    out = []
    for e in entries:
        if not e["id"]:
            continue
        out.append({"flags": e["flags"], "ctxt": _string(e["ctxt"]) if e["ctxt"] else None, "id": _string(e["id"]),
                    "plural": _string(e["plural"]) if e["plural"] else None,
                    "str": {k: _string(v) for k, v in e["str"].items()}})
    return out


@pytest.mark.parametrize("app", APPS)
def test_catalogue_complete_and_compiled(app):
    folder = ROOT / "linli" / app / "locale" / "zh_Hans" / "LC_MESSAGES"
    entries = parse_po(folder / "django.po")
    header = next(e for e in entries if e["id"] == "")
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["str"][0]
    with (folder / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    assert compiled.plural(5) == 0
    problems = []
    for e in entries[1:] if entries[0]["id"] == "" else entries:
        key = e["id"] if e["ctxt"] is None else f"{e['ctxt']}\x04{e['id']}"
        if "fuzzy" in e["flags"] or not all(e["str"].values()):
            problems.append(f"untranslated or fuzzy: {e['id']!r}")
            continue
        got = compiled._catalog.get((key, 0) if e["plural"] else key)
        if got != e["str"][0]:
            problems.append(f"stale .mo: {e['id']!r} → {got!r} (the .po says {e['str'][0]!r})")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize(("msgid", "expected"), [
    ("Earning rules", "积分规则"), ("Visit rules", "走访规则"), ("%(d)s days", "%(d)s 天"),
    ("A micro-wish awaits review: %(title)s", "有微心愿待审核：%(title)s"),
    ("Volunteer star levels", "志愿者星级标准"),
])
def test_pages_and_notifications_speak_chinese(msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected
