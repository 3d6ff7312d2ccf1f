"""Health endpoints for the proxy, the smoke test and monitoring.

* ``/healthz`` — one ``SELECT 1``: 200 ``{"status": "ok"}`` while the database answers, otherwise the 503 of
  ``linli.core.unavailable`` (through the middleware, like any page). Public: it says nothing but ok.
* ``/healthz/stream`` — a short Server-Sent Events stream (logged-in users only, it holds a thread for a few
  seconds): three events a second apart. It exists to prove that the path from the browser to an app process passes
  streams unbuffered (nginx ``proxy_buffering off`` for ``text/event-stream``, no gzip of it): ``deploy/stack/smoke.py``
  reads the first event before the last one is sent. The live screen's event streams need the same path.
"""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

STREAM_EVENTS = 3
STREAM_GAP_SECONDS = 1.0


@never_cache
@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def _events():
    for n in range(1, STREAM_EVENTS + 1):
        if n > 1:
            time.sleep(STREAM_GAP_SECONDS)
        yield f'id: {n}\nevent: tick\ndata: {{"n": {n}, "of": {STREAM_EVENTS}, "t": {time.time():.3f}}}\n\n'


@never_cache
@require_GET
@login_required
def healthz_stream(request):
    response = StreamingHttpResponse(_events(), content_type="text/event-stream")
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer this response, whatever the location says
    return response
