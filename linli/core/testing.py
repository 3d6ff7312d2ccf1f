"""Test helpers shared by every domain: row snapshots replayed per test, query counting and the spreadsheet formula
check. The place tree with one user per role (``build_tree``, ``system_user``, ``PASSWORD``, ``TreeSnapshot``) is
``linli.accounts.testing``: core imports no domain."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


class RowSnapshot:
    """The rows some setup inserts, taken once per test process and inserted again in every test that needs them.

    Building fixtures through the audited services is the slowest part of many tests (the small place tree costs
    ~0.3–0.5 s, the small demo district 10–15 s). :meth:`take` runs the setup once inside a transaction it rolls
    back, keeping every row the setup inserted in every table; :meth:`replay` inserts those rows again with their
    stored values, primary keys included (a few ``INSERT``s per table, foreign keys checked at commit), so a test
    sees the same database as after the setup itself. Sequences are not rewound by the rollback on PostgreSQL and
    SQLite counts explicit keys, so later inserts never collide with the replayed keys.
    Rows the setup changed (a category given its default handler, …) are updated again to their new values.
    """

    def __init__(self, rows, changed):
        self.rows = rows  # [(model, fields, [value tuples])]: rows the setup inserted
        self.changed = changed  # [(model, pk, {attname: value})]: rows that existed before and were changed

    @staticmethod
    def _tables():
        from django.apps import apps

        for model in apps.get_models(include_auto_created=True):
            opts = model._meta
            if opts.managed and not opts.proxy:
                yield model, list(opts.local_concrete_fields)

    @staticmethod
    def _read(model, fields) -> dict:
        names = [f.attname for f in fields]
        pk = names.index(model._meta.pk.attname) if model._meta.pk in fields else None
        return {(row[pk] if pk is not None else row): row for row in model._base_manager.values_list(*names)}

    @classmethod
    def take(cls, setup):
        """Run ``setup()`` in a transaction that is rolled back; return ``(snapshot, what setup returned)``."""
        from django.db import transaction

        tables = list(cls._tables())
        with transaction.atomic():
            before = [cls._read(model, fields) for model, fields in tables]
            result = setup()
            rows, changed = [], []
            for (model, fields), old in zip(tables, before, strict=True):
                new = []
                for key, row in cls._read(model, fields).items():
                    if key not in old:
                        new.append(row)
                    elif old[key] != row:
                        if model._meta.pk not in fields:
                            raise RuntimeError(f"the setup changed a {model.__name__} row this cannot replay")
                        diff = {f.attname: v for f, v, was in zip(fields, row, old[key], strict=True) if v != was}
                        changed.append((model, key, diff))
                if new:
                    rows.append((model, fields, new))
            snapshot = cls(rows, changed)
            snapshot.keep(result)
            transaction.set_rollback(True)
        return snapshot, result

    def keep(self, result) -> None:
        """Remember what is needed to rebuild the setup's result after a replay (subclasses)."""

    def replay(self) -> None:
        from django.db import connection, transaction

        with transaction.atomic():
            for model, fields, values in self.rows:
                objs = [model(**{f.attname: v for f, v in zip(fields, row, strict=True)}) for row in values]
                size = max(1, connection.ops.bulk_batch_size(fields, objs) or len(objs))
                for i in range(0, len(objs), size):
                    model._base_manager._insert(objs[i : i + size], fields=fields, raw=True)
            for model, pk, values in self.changed:
                model._base_manager.filter(pk=pk).update(**values)


class count_queries(CaptureQueriesContext):
    def __init__(self):
        super().__init__(connection)

    @property
    def count(self) -> int:
        return len(self.captured_queries)


#: a name a user might type to plant a live formula in somebody's spreadsheet (issue #11 item 4)
FORMULA_NAME = '=HYPERLINK("http://x","y")'


def assert_text_not_formula(content, text: str = FORMULA_NAME) -> list:
    """``content`` (bytes, a file or a streaming response) is an xlsx without a single formula cell, and ``text``
    is in it, as typed, as string cells marked with the quote prefix. Returns the cells holding ``text``."""
    import io

    from openpyxl import load_workbook

    if hasattr(content, "streaming_content"):
        content = b"".join(content.streaming_content)
    if isinstance(content, bytes):
        content = io.BytesIO(content)
    wb = load_workbook(content)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(text):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    found.append(cell)
    assert found, f"{text!r} is not in the workbook"
    return found
