"""The monthly statement owners read on the phone, its downloads, the receipts, and the verifier script."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from .. import chart, export, selectors
from .common import SECTION, serve_file

VERIFIER = Path(__file__).resolve().parents[1] / "verify_ledger.py"


class _Echo:
    def write(self, value):
        return value


@login_required
def statement(request, pk: int):
    st = selectors.statement_for(request.user, pk)
    account = st.account
    categories = [
        (chart.line(account.scheme, code).name if chart.line(account.scheme, code) else code, amount)
        for code, amount in st.by_category.items()
    ]
    return render(
        request,
        "trust/statement.html",
        {
            "st": st,
            "account": account,
            "section": SECTION,
            "categories": categories,
            "spending": list(selectors.spending_of(st)),
            "arrears_percent": st.arrears_rate * 100,
        },
    )


@login_required
def statement_json(request, pk: int):
    st = selectors.statement_for(request.user, pk)
    response = HttpResponse(export.statement_json(st), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trust-{st.account.pk}-{st.month:%Y-%m}.json"'
    return response


@login_required
def account_csv(request, pk: int):
    import csv

    account = selectors.account_for(request.user, pk)
    writer = csv.writer(_Echo())

    def body():
        yield writer.writerow(export.CSV_FIELDS)
        for row in export.csv_rows(account):
            yield writer.writerow(row)

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trust-{account.pk}-ledger.csv"'
    return response


@login_required
def receipt(request, pk: int):
    r = selectors.receipt_for(request.user, pk)
    return serve_file(r.file, r.content_type)


@login_required
def verifier(request):
    response = HttpResponse(VERIFIER.read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_ledger.py"'
    return response
