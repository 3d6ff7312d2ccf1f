"""The project's WSGI application plus two bare Django endpoints, for bench/workorders_create.py only.

``/bench/bare`` answers a constant JSON document (the ceiling of the server itself); ``/bench/bare-create`` parses a
JSON body and inserts one case row with a plain ``Model.objects.create`` — no auth, no permission, no validation,
no timeline, no audit — the floor of "a write through Django". Both run behind the same middleware, server and
settings as the real API.
"""

import json
import os
import sys
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

_seq = count(1)


def bare(request):
    return JsonResponse({"ok": True, "items": [1, 2, 3]})


@csrf_exempt
def bare_create(request):
    from linli.workorders.models import Case, Category

    data = json.loads(request.body)
    category = Category.objects.get(code=data["category"])
    case = Case.objects.create(
        number=f"B{os.getpid()}{next(_seq):09d}"[:20],
        category=category,
        title=data["title"],
        description=data["description"],
        place_id=data["place_id"],
        scope_path=data["scope_path"],
    )
    return JsonResponse({"id": case.pk, "number": case.number}, status=201)


urlpatterns = [
    path("bench/bare", bare),
    path("bench/bare-create", bare_create),
    path("", include(settings.ROOT_URLCONF)),
]
settings.ROOT_URLCONF = __name__
