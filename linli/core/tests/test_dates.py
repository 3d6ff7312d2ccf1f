"""Short dates keep the year when it is not this year (a record of last December never reads like this one)."""

import datetime as dt

from django.template import Context, Template
from django.utils import timezone, translation

from linli.core.templatetags.linli_dates import short_day, short_when


def test_a_date_of_this_year_has_no_year_and_any_other_year_shows_it():
    today = timezone.localdate()
    this_year, last_year = dt.date(today.year, 3, 5), dt.date(today.year - 1, 12, 24)
    with translation.override("zh-hans"):
        assert short_day(this_year) == "3月5日"
        assert short_day(last_year) == f"{today.year - 1}年12月24日"
        noon = timezone.make_aware(dt.datetime(today.year - 1, 12, 24, 12, 30))
        assert short_when(noon) == f"{today.year - 1}年12月24日 12:30"
        html = Template("{% load linli_dates %}{{ d|day }}|{{ t|when }}").render(
            Context({"d": this_year, "t": timezone.make_aware(dt.datetime(today.year, 3, 5, 8, 0))})
        )
        assert html == "3月5日|3月5日 08:00"
    with translation.override("en"):
        assert short_day(last_year) == f"Dec 24, {today.year - 1}"
    assert short_day(None) == "" and short_when(None) == ""


# -- one today() ------------------------------------------------------------------------------------------------


def test_today_is_the_local_day():
    from linli.core import dates

    assert dates.today() == timezone.localdate()


def test_a_fixed_today_reaches_the_date_windows(monkeypatch):
    import datetime as dt

    from linli.core import dates

    monkeypatch.setattr(dates, "today", lambda: dt.date(2030, 6, 1))
    assert dates.bounds(dates.PAST) == (dates.EARLIEST, dt.date(2030, 6, 1))


def _violations(path) -> list[str]:
    """``timezone.localdate()`` without an argument, or a ``today()``/``_today()`` wrapper."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name.strip("_") in ("today", "local_today"):
            found.append(f"def {node.name}")
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "localdate"
            and not node.args
            and not node.keywords
        ):
            found.append(ast.unparse(node))
    return found


def test_no_second_today():
    """Every "today" of the platform is ``linli.core.dates.today()``."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    here = root / "core" / "dates.py"
    bad = []
    for path in sorted(root.rglob("*.py")):
        if path == here or "tests" in path.parts or "migrations" in path.parts:
            continue
        bad += [f"{path.relative_to(root.parent)}: {item}" for item in _violations(path)]
    assert not bad, "use linli.core.dates.today(), not: " + ", ".join(bad)


def test_the_project_rule_catches_a_wrapper(tmp_path):
    sample = tmp_path / "services.py"
    sample.write_text(
        "def _today():\n    return timezone.localdate()\n"
        "a = localdate()\nb = timezone.localdate(moment)\nc = dates.today()\n"
    )
    assert sorted(_violations(sample)) == ["def _today", "localdate()", "timezone.localdate()"]
