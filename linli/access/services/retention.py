"""The retention of access events (default 180 days, ``LINLI_ACCESS_RETENTION_DAYS``): run daily."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linli.core import audit

from ..conf import retention_days
from ..models import AccessEvent


@transaction.atomic
def purge_expired(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    count, _ = AccessEvent.objects.filter(at__lt=cutoff).delete()
    if count:
        audit.record(
            actor=None,
            action="access_purge",
            object_type="access.accessevent",
            note=f"{count} events before {cutoff:%Y-%m-%d %H:%M} UTC ({retention_days()} days)",
        )
    return count
