"""What the trust pages share: the generic form page and serving a stored file."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render

SECTION = "services"


def form_page(request, form, *, title, account, status=200, multipart=False, testid="trust-form"):
    return render(
        request,
        "trust/form.html",
        {
            "form": form,
            "title": title,
            "account": account,
            "section": SECTION,
            "multipart": multipart,
            "testid": testid,
        },
        status=status,
    )


def serve_file(field, content_type: str, *, download_name: str | None = None):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=content_type, as_attachment=bool(download_name), filename=download_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
