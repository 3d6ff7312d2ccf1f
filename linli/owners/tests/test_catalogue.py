"""The Chinese catalogue of owners' committees (and of party, which shows the 业委会 badge and filter): every
message translated, no fuzzy entry, and the committed .mo is the compiled .po. Same check as
``linli/visits/tests/test_catalogues.py`` (whose parser it reuses), for the apps that test does not list."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.utils import translation

from linli.visits.tests.test_catalogues import parse_po

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("app", ["owners", "party"])
def test_catalogue_complete_and_compiled(app):
    folder = ROOT / "linli" / app / "locale" / "zh_Hans" / "LC_MESSAGES"
    entries = parse_po(folder / "django.po")
    header = next(e for e in entries if e["id"] == "")
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["str"][0]
    with (folder / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
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


@pytest.mark.parametrize(("msgid", "expected"), [
    ("Owners' committees", "业主委员会"), ("Owners' committee chair", "业委会主任"),
    ("Owners' committee vice-chair", "业委会副主任"), ("Owners' committee member", "业委会委员"),
    ("Owners' committee members", "业委会委员"),
])
def test_owners_pages_speak_chinese(msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected
