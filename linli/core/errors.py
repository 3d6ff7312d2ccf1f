"""Error pages: HTML for people, the API's error body for /api/ paths."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _

from .api import error_response, too_large_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE
        if _is_api(request):
            return too_large_response()
        return render(
            request,
            "errors/error.html",
            {
                "status": 413,
                "message": _("The request is too large. Send less at once, or upload big files one by one."),
            },
            status=413,
        )
    if _is_api(request):
        return error_response(400, "bad_request", _("Bad request."))
    return render(request, "errors/error.html", {"status": 400, "message": _("Bad request.")}, status=400)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else _("You do not have permission to do this.")
    if _is_api(request):
        return error_response(403, "forbidden", message)
    return render(request, "errors/error.html", {"status": 403, "message": message}, status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return error_response(404, "not_found", _("Not found."))
    return render(
        request,
        "errors/error.html",
        {"status": 404, "message": _("This page does not exist, or you cannot see it.")},
        status=404,
    )


def server_error(request):
    from .unavailable import current_exception_is_database_unavailable, unavailable_response

    if current_exception_is_database_unavailable():  # raised in a middleware, e.g. saving the session
        return unavailable_response(request)
    if _is_api(request):
        return error_response(500, "server_error", _("Something went wrong on our side. Please try again."))
    message = _("Something went wrong on our side.")
    try:
        return render(request, "errors/error.html", {"status": 500, "message": message}, status=500)
    except Exception:  # the page's shell needs the database or the session: answer without it
        home = _("Back to the workbench")
        return HttpResponseServerError(
            f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>500</title>'
            f'<h1>500</h1><p>{escape(message)}</p><p><a href="/">{escape(home)}</a></p>'
            f"</html>"
        )
