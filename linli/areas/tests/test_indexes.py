""" "Everything under X" must be an indexed range query on both SQLite and PostgreSQL."""

import pytest
from django.db import connection

from linli.areas.models import Place

pytestmark = pytest.mark.django_db


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cur.fetchall())


def test_subtree_query_uses_an_index(tree):
    qs = Place.objects.under(tree.street_a).only("id")
    plan = _plan(qs)
    if connection.vendor == "postgresql":
        assert "Index" in plan and "Seq Scan" not in plan and "path" in plan, plan
    else:
        assert "SEARCH areas_place USING" in plan and "path>? AND path<?" in plan, plan
    assert set(qs.values_list("pk", flat=True)) == set(
        Place.objects.filter(path__startswith=tree.street_a.path).values_list("pk", flat=True)
    )
