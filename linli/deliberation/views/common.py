"""What the meeting and matter pages share: run a step and come back to the record with its message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def form_error_text(form) -> str:
    return " ".join(e for errs in form.errors.values() for e in errs)


def run_step(request, call, ok: str, *, back: str, pk: int):
    """Call the service; flash its refusal or ``ok``, then return to the record's page ``back``."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect(back, pk=pk)
